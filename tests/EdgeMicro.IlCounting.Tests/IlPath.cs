using Mono.Cecil;
using Mono.Cecil.Cil;

namespace EdgeMicro.IlCounting.Tests;

/// <summary>
/// Test oracle, independent of the instrumenter: disassembles a compiled method with Cecil and counts the
/// instructions on one explicit control-flow path, one instruction at a time (no basic blocks).
/// </summary>
internal sealed class IlPath : IDisposable
{
    private readonly ModuleDefinition _module;

    public IlPath(byte[] image, string typeName, string methodName)
    {
        _module = ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters(ReadingMode.Immediate));
        Method = _module.GetType(typeName).Methods.Single(m => m.Name == methodName);
    }

    public MethodDefinition Method { get; }

    public IList<Instruction> Instructions => Method.Body.Instructions;

    public Instruction First => Instructions[0];

    /// <summary>
    /// Executes the method's IL symbolically from <paramref name="start"/>, counting each instruction once.
    /// Unconditional branches are followed; each conditional branch consumes one decision (1 = taken,
    /// 0 = fall through) and each switch one decision (case index, or -1 = fall through). Stops after the first
    /// ret, throw, rethrow, leave, endfinally or endfilter, which is returned as <paramref name="stop"/>.
    /// All decisions must be consumed.
    /// </summary>
    public int Walk(Instruction start, IEnumerable<int> decisions, out Instruction stop)
    {
        using var pending = decisions.GetEnumerator();
        var count = 0;
        var current = start;
        while (true)
        {
            count++;
            var opcode = current.OpCode;
            if (opcode.Code is Code.Leave or Code.Leave_S or Code.Endfinally or Code.Endfilter ||
                opcode.FlowControl is FlowControl.Return or FlowControl.Throw)
            {
                stop = current;
                Assert.False(pending.MoveNext(), "unused decisions");
                return count;
            }

            if (opcode.FlowControl == FlowControl.Branch)
            {
                current = (Instruction)current.Operand;
                continue;
            }

            if (opcode.FlowControl == FlowControl.Cond_Branch)
            {
                Assert.True(pending.MoveNext(), $"missing decision for {current}");
                var decision = pending.Current;
                current = current.Operand switch
                {
                    Instruction[] table when decision >= 0 => table[decision],
                    Instruction target when decision == 1 => target,
                    _ => current.Next,
                };
                continue;
            }

            current = current.Next;
        }
    }

    /// <summary><see cref="Walk(Instruction, IEnumerable{int}, out Instruction)"/> ignoring the stop instruction.</summary>
    public int Walk(Instruction start, params int[] decisions) => Walk(start, decisions, out _);

    /// <summary>Index of <paramref name="instruction"/> in the method body.</summary>
    public int IndexOf(Instruction instruction) => Instructions.IndexOf(instruction);

    public void Dispose() => _module.Dispose();
}
