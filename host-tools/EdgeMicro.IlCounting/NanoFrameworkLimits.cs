using System.Globalization;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace EdgeMicro.IlCounting;

/// <summary>
/// Static analysis of a compiled assembly against the limits that the nanoFramework v1 toolchain (metadata
/// processor + nanoCLR) imposes on generated code.
/// </summary>
/// <remarks>
/// Sizes and branch distances are measured on the CIL as compiled. The metadata processor re-encodes the
/// bytecode (e.g. compressing tokens), so these are an estimate of the device image, not its exact size.
/// Checked: total bytecode per assembly, total array-initializer data per assembly, locals per method, static fields
/// per type, branch offsets fitting int16, and the absence of generic types/methods (definitions and any use of a
/// generic instantiation), multi-dimensional arrays and <c>localloc</c> (<c>stackalloc</c>). The two per-assembly
/// totals can include code compiled elsewhere into the same device assembly (<see cref="AssemblyShare"/>: the
/// firmware app beside a generated weight table and kernel).
/// </remarks>
public static class NanoFrameworkLimits
{
    /// <summary>Maximum total method-body bytecode per assembly, in bytes.</summary>
    public const int MaxAssemblyBytecodeBytes = 65_535;

    /// <summary>
    /// Array-initializer data per assembly, in total, that nanoCLR was measured to load: the metadata processor puts it
    /// in the assembly's signature table, and nanoCLR fails to load an assembly whose initializer data exceeds about
    /// 64 KB in total (one 60,000-byte array ran; one 70,000-byte array, or two of 35,000, failed at load with
    /// <c>a2000000</c> or never reached Main), while the metadata processor accepts it silently. The check uses the
    /// largest total measured to load (../shared/reference/interpreter-speed.md, section 5).
    /// </summary>
    public const int MaxInitializerDataBytes = 60_000;

    /// <summary>Maximum number of locals per method.</summary>
    public const int MaxLocalsPerMethod = 255;

    /// <summary>Maximum number of static fields per type.</summary>
    public const int MaxStaticFieldsPerType = 255;

    /// <summary>Maximum distance in bytes between a branch and its target (int16 offsets).</summary>
    public const int MaxBranchSpanBytes = 32_767;

    /// <summary>Analyses the assembly stored at <paramref name="assemblyPath"/>.</summary>
    /// <param name="assemblyPath">Path of a .NET assembly.</param>
    /// <returns>The measured maxima and the violations.</returns>
    public static NanoFrameworkLimitsReport Analyze(string assemblyPath)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        return Analyze(File.ReadAllBytes(assemblyPath));
    }

    /// <summary>Analyses an in-memory assembly image.</summary>
    /// <param name="image">PE image of a .NET assembly.</param>
    /// <returns>The measured maxima and the violations.</returns>
    public static NanoFrameworkLimitsReport Analyze(byte[] image) => Analyze(image, null);

    /// <summary>Analyses an in-memory assembly image that the device build links into one assembly with other code.</summary>
    /// <param name="image">PE image of a .NET assembly (e.g. a generated weight table and kernel).</param>
    /// <param name="alongside">The rest of the device assembly (its bytecode and initializer data count against the
    /// same per-assembly totals), or null.</param>
    /// <returns>The measured maxima and the violations.</returns>
    public static NanoFrameworkLimitsReport Analyze(byte[] image, AssemblyShare? alongside)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var module = ModuleDefinition.ReadModule(
            new MemoryStream(image, writable: false), new ReaderParameters(ReadingMode.Immediate));
        return new Analysis(alongside).Run(module);
    }

    private sealed class Analysis(AssemblyShare? alongside)
    {
        private readonly List<string> _violations = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private int _totalBytes;
        private int _initializerBytes;
        private (int Value, string Name) _largest = (0, string.Empty);
        private (int Value, string Name) _locals = (0, string.Empty);
        private (int Value, string Name) _statics = (0, string.Empty);
        private (int Value, string Name) _span = (0, string.Empty);

        internal NanoFrameworkLimitsReport Run(ModuleDefinition module)
        {
            foreach (var type in module.GetTypes())
            {
                CheckType(type);
                foreach (var method in type.Methods)
                {
                    CheckMethod(method);
                }
            }

            int il = _totalBytes + (alongside?.IlBytes ?? 0);
            int data = _initializerBytes + (alongside?.InitializerDataBytes ?? 0);
            string with = alongside == null ? string.Empty : string.Create(
                CultureInfo.InvariantCulture, $" ({_totalBytes} B here + {alongside.IlBytes} B of {alongside.Name})");
            if (il > MaxAssemblyBytecodeBytes)
            {
                Violate(string.Create(CultureInfo.InvariantCulture, $"Assembly has {il} bytes of IL{with} (limit {MaxAssemblyBytecodeBytes})."));
            }

            if (data > MaxInitializerDataBytes)
            {
                string dataWith = alongside == null ? string.Empty : string.Create(
                    CultureInfo.InvariantCulture, $" ({_initializerBytes} B here + {alongside.InitializerDataBytes} B of {alongside.Name})");
                Violate(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Assembly has {data} bytes of array-initializer data{dataWith} (nanoCLR loads at most about 64 KB in total; largest measured to load {MaxInitializerDataBytes})."));
            }

            var name = module.Assembly?.Name.Name ?? module.Name;
            return new NanoFrameworkLimitsReport(name, il, data, _largest, _locals, _statics, _span, _violations);
        }

        private void CheckType(TypeDefinition type)
        {
            var where = $"Type '{type.FullName}'";
            if (type.HasGenericParameters)
            {
                Violate($"{where} is generic.");
            }

            CheckTypeRef(type.BaseType, where);
            foreach (var implementation in type.Interfaces)
            {
                CheckTypeRef(implementation.InterfaceType, where);
            }

            var statics = 0;
            foreach (var field in type.Fields)
            {
                CheckTypeRef(field.FieldType, $"Field '{field.FullName}'");
                if (field.IsStatic && !field.IsLiteral)
                {
                    statics++;
                }

                if (field.HasFieldRVA)
                {
                    _initializerBytes = checked(_initializerBytes + field.InitialValue.Length);
                }
            }

            Track(ref _statics, statics, type.FullName);
            if (statics > MaxStaticFieldsPerType)
            {
                Violate($"{where} has {statics} static fields (limit {MaxStaticFieldsPerType}).");
            }
        }

        private void CheckMethod(MethodDefinition method)
        {
            var where = $"Method '{method.FullName}'";
            if (method.HasGenericParameters)
            {
                Violate($"{where} is generic.");
            }

            CheckMethodRef(method, where);
            if (!method.HasBody)
            {
                return;
            }

            var body = method.Body;
            _totalBytes = checked(_totalBytes + body.CodeSize);
            Track(ref _largest, body.CodeSize, method.FullName);
            Track(ref _locals, body.Variables.Count, method.FullName);
            if (body.Variables.Count > MaxLocalsPerMethod)
            {
                Violate($"{where} has {body.Variables.Count} locals (limit {MaxLocalsPerMethod}).");
            }

            foreach (var variable in body.Variables)
            {
                CheckTypeRef(variable.VariableType, where);
            }

            foreach (var instruction in body.Instructions)
            {
                CheckInstruction(instruction, method, where);
            }
        }

        private void CheckInstruction(Instruction instruction, MethodDefinition method, string where)
        {
            if (instruction.OpCode.Code == Code.Localloc)
            {
                Violate($"{where} uses localloc (stackalloc).");
            }

            var next = instruction.Offset + instruction.GetSize();
            switch (instruction.Operand)
            {
                case Instruction target:
                    CheckBranch(Math.Abs(target.Offset - next), instruction, method, where);
                    break;
                case Instruction[] targets:
                    foreach (var target in targets)
                    {
                        CheckBranch(Math.Abs(target.Offset - next), instruction, method, where);
                    }

                    break;
                case TypeReference type:
                    CheckTypeRef(type, where);
                    break;
                case MethodReference callee:
                    if (callee is GenericInstanceMethod)
                    {
                        Violate($"{where} calls generic method '{callee.FullName}'.");
                    }

                    CheckMethodRef(callee, where);
                    break;
                case FieldReference field:
                    CheckTypeRef(field.DeclaringType, where);
                    CheckTypeRef(field.FieldType, where);
                    break;
            }
        }

        private void CheckBranch(int span, Instruction branch, MethodDefinition method, string where)
        {
            Track(ref _span, span, method.FullName);
            if (span > MaxBranchSpanBytes)
            {
                Violate(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{where} has a {branch.OpCode.Name} at IL_{branch.Offset:x4} spanning {span} bytes (limit {MaxBranchSpanBytes})."));
            }
        }

        private void CheckMethodRef(MethodReference method, string where)
        {
            CheckTypeRef(method.DeclaringType, where);
            CheckTypeRef(method.ReturnType, where);
            foreach (var parameter in method.Parameters)
            {
                CheckTypeRef(parameter.ParameterType, where);
            }
        }

        private void CheckTypeRef(TypeReference? type, string where)
        {
            switch (type)
            {
                case null:
                    return;
                case GenericInstanceType instance:
                    Violate($"{where} uses generic type '{instance.FullName}'.");
                    return;
                case GenericParameter parameter:
                    Violate($"{where} uses generic parameter '{parameter.Name}'.");
                    return;
                case ArrayType { Rank: > 1 } array:
                    Violate($"{where} uses multi-dimensional array '{array.FullName}'.");
                    return;
                case TypeSpecification specification:
                    CheckTypeRef(specification.ElementType, where);
                    return;
            }
        }

        private static void Track(ref (int Value, string Name) max, int value, string name)
        {
            if (value > max.Value)
            {
                max = (value, name);
            }
        }

        private void Violate(string message)
        {
            if (_seen.Add(message))
            {
                _violations.Add(message);
            }
        }
    }
}
