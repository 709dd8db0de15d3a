using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace EdgeMicro.IlCounting;

/// <summary>
/// Rewrites one module so that every basic block adds its number of original IL instructions to a counter
/// held by an injected static class (see <see cref="IlExecutionCounter"/> for the counting rules).
/// </summary>
internal static class IlInstrumenter
{
    /// <summary>Name of the injected counter class (global namespace, assembly-internal).</summary>
    internal const string CounterTypeName = "<EdgeMicroIlCounter>";

    /// <summary>Name of the injected <c>long</c> field used in <see cref="IlCountingMode.Total"/>.</summary>
    internal const string TotalFieldName = "Total";

    /// <summary>Name of the injected <c>long[]</c> field used in <see cref="IlCountingMode.PerMethod"/>.</summary>
    internal const string PerMethodFieldName = "PerMethod";

    /// <summary>
    /// Instruments <paramref name="module"/> in place.
    /// </summary>
    /// <returns>
    /// Full names of the instrumented methods; in <see cref="IlCountingMode.PerMethod"/> the list index is the
    /// method's slot in the injected counter array.
    /// </returns>
    internal static IReadOnlyList<string> Instrument(ModuleDefinition module, IlCountingMode mode)
    {
        if (module.GetType(CounterTypeName) is not null)
        {
            throw new InvalidOperationException($"Module '{module.Name}' is already instrumented.");
        }

        var methods = module.GetTypes()
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody && m.Body.Instructions.Count > 0)
            .ToList();

        var counterType = new TypeDefinition(
            string.Empty,
            CounterTypeName,
            TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed |
            TypeAttributes.BeforeFieldInit | TypeAttributes.Class,
            module.TypeSystem.Object);
        module.Types.Add(counterType);

        Func<int, int, IEnumerable<Instruction>> probe;
        if (mode == IlCountingMode.Total)
        {
            var total = new FieldDefinition(
                TotalFieldName, FieldAttributes.Public | FieldAttributes.Static, module.TypeSystem.Int64);
            counterType.Fields.Add(total);
            probe = (_, n) => TotalProbe(total, n);
        }
        else
        {
            var perMethod = AddPerMethodArray(module, counterType, methods.Count);
            probe = (slot, n) => PerMethodProbe(module, perMethod, slot, n);
        }

        for (var slot = 0; slot < methods.Count; slot++)
        {
            var s = slot;
            InstrumentBody(methods[slot].Body, n => probe(s, n));
        }

        return methods.Select(m => m.FullName).ToList();
    }

    /// <summary>
    /// Computes the basic-block leaders of <paramref name="body"/>: the first instruction, every branch, leave
    /// and switch target, the instruction after any branch, switch, ret, throw, rethrow, leave, endfinally or
    /// endfilter, and every try start, try end, handler start, handler end and filter start.
    /// </summary>
    internal static HashSet<Instruction> FindLeaders(MethodBody body)
    {
        var instructions = body.Instructions;
        var leaders = new HashSet<Instruction> { instructions[0] };
        foreach (var instruction in instructions)
        {
            switch (instruction.Operand)
            {
                case Instruction target:
                    leaders.Add(target);
                    break;
                case Instruction[] targets:
                    leaders.UnionWith(targets);
                    break;
            }

            if (EndsBlock(instruction) && instruction.Next is { } next)
            {
                leaders.Add(next);
            }
        }

        foreach (var handler in body.ExceptionHandlers)
        {
            AddIfNotNull(leaders, handler.TryStart);
            AddIfNotNull(leaders, handler.TryEnd);
            AddIfNotNull(leaders, handler.HandlerStart);
            AddIfNotNull(leaders, handler.HandlerEnd);
            AddIfNotNull(leaders, handler.FilterStart);
        }

        return leaders;
    }

    private static bool EndsBlock(Instruction instruction)
    {
        switch (instruction.OpCode.FlowControl)
        {
            case FlowControl.Branch: // br, leave
            case FlowControl.Cond_Branch: // conditional branches, switch
            case FlowControl.Return: // ret, endfinally, endfilter
            case FlowControl.Throw: // throw, rethrow
                return true;
            default:
                return instruction.OpCode.Code == Code.Jmp;
        }
    }

    private static void AddIfNotNull(HashSet<Instruction> set, Instruction? instruction)
    {
        if (instruction is not null)
        {
            set.Add(instruction);
        }
    }

    private static void InstrumentBody(MethodBody body, Func<int, IEnumerable<Instruction>> probe)
    {
        body.SimplifyMacros();
        var original = body.Instructions.ToList();
        var leaders = FindLeaders(body);

        // Size of each block = original instructions from its leader up to (excluding) the next leader.
        var inserts = new List<(int Index, Instruction[] Probe)>();
        for (var i = 0; i < original.Count; i++)
        {
            if (!leaders.Contains(original[i]))
            {
                continue;
            }

            var end = i + 1;
            while (end < original.Count && !leaders.Contains(original[end]))
            {
                end++;
            }

            inserts.Add((i, probe(end - i).ToArray()));
        }

        var redirect = new Dictionary<Instruction, Instruction>();
        foreach (var (index, code) in inserts)
        {
            redirect[original[index]] = code[0];
        }

        RetargetBranches(original, redirect);
        RetargetHandlers(body, redirect);

        // Insert back to front so the recorded indices stay valid.
        var instructions = body.Instructions;
        for (var k = inserts.Count - 1; k >= 0; k--)
        {
            var (index, code) = inserts[k];
            for (var j = code.Length - 1; j >= 0; j--)
            {
                instructions.Insert(index, code[j]);
            }
        }

        // Max stack is recomputed by Cecil's writer; InitLocals and the locals are left untouched.
        body.OptimizeMacros();
    }

    private static void RetargetBranches(List<Instruction> original, Dictionary<Instruction, Instruction> redirect)
    {
        foreach (var instruction in original)
        {
            switch (instruction.Operand)
            {
                case Instruction target when redirect.TryGetValue(target, out var replacement):
                    instruction.Operand = replacement;
                    break;
                case Instruction[] targets:
                    var copy = (Instruction[])targets.Clone();
                    for (var t = 0; t < copy.Length; t++)
                    {
                        if (redirect.TryGetValue(copy[t], out var r))
                        {
                            copy[t] = r;
                        }
                    }

                    instruction.Operand = copy;
                    break;
            }
        }
    }

    private static void RetargetHandlers(MethodBody body, Dictionary<Instruction, Instruction> redirect)
    {
        Instruction? Map(Instruction? i) => i is not null && redirect.TryGetValue(i, out var r) ? r : i;

        foreach (var handler in body.ExceptionHandlers)
        {
            handler.TryStart = Map(handler.TryStart);
            handler.TryEnd = Map(handler.TryEnd);
            handler.HandlerStart = Map(handler.HandlerStart);
            handler.HandlerEnd = Map(handler.HandlerEnd);
            handler.FilterStart = Map(handler.FilterStart);
        }
    }

    private static IEnumerable<Instruction> TotalProbe(FieldDefinition total, int count)
    {
        yield return Instruction.Create(OpCodes.Ldsfld, total);
        yield return Instruction.Create(OpCodes.Ldc_I8, (long)count);
        yield return Instruction.Create(OpCodes.Add);
        yield return Instruction.Create(OpCodes.Stsfld, total);
    }

    private static IEnumerable<Instruction> PerMethodProbe(
        ModuleDefinition module, FieldDefinition perMethod, int slot, int count)
    {
        yield return Instruction.Create(OpCodes.Ldsfld, perMethod);
        yield return Instruction.Create(OpCodes.Ldc_I4, slot);
        yield return Instruction.Create(OpCodes.Ldelema, module.TypeSystem.Int64);
        yield return Instruction.Create(OpCodes.Dup);
        yield return Instruction.Create(OpCodes.Ldind_I8);
        yield return Instruction.Create(OpCodes.Ldc_I8, (long)count);
        yield return Instruction.Create(OpCodes.Add);
        yield return Instruction.Create(OpCodes.Stind_I8);
    }

    private static FieldDefinition AddPerMethodArray(ModuleDefinition module, TypeDefinition counterType, int slots)
    {
        var field = new FieldDefinition(
            PerMethodFieldName,
            FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly,
            new ArrayType(module.TypeSystem.Int64));
        counterType.Fields.Add(field);

        var cctor = new MethodDefinition(
            ".cctor",
            MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig |
            MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
            module.TypeSystem.Void);
        var il = cctor.Body.GetILProcessor();
        il.Emit(OpCodes.Ldc_I4, Math.Max(slots, 1));
        il.Emit(OpCodes.Newarr, module.TypeSystem.Int64);
        il.Emit(OpCodes.Stsfld, field);
        il.Emit(OpCodes.Ret);
        cctor.Body.OptimizeMacros();
        counterType.Methods.Add(cctor);
        return field;
    }
}
