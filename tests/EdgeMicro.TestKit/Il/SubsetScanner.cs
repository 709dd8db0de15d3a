using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace EdgeMicro.TestKit.Il;

/// <summary>
/// Reads a compiled assembly with System.Reflection.Metadata and reports (1) constructs outside the nanoFramework v1
/// subset: generic definitions, generic instantiations (TypeSpec/MethodSpec), multi-dimensional arrays, pointers,
/// pinned locals, function pointers, <c>localloc</c>, async/iterator state machines; and (2) every referenced type and
/// member by name:
/// <c>T:Namespace.Type</c>, <c>M:Namespace.Type.Method(ParamType, ...)</c>, <c>F:Namespace.Type.Field</c>
/// (nested types as Outer+Inner, constructors as .ctor).
/// </summary>
public sealed class SubsetScanner
{
    private static readonly Dictionary<ushort, OpCode> OpCodesByValue = BuildOpCodeTable();

    private SubsetScanner()
    {
    }

    /// <summary>Gets the violations of the subset (empty when the assembly is inside it).</summary>
    public List<string> Violations { get; } = new();

    /// <summary>Gets every referenced type and member, sorted, without duplicates.</summary>
    public SortedSet<string> References { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the references that IL instructions use as operands (calls, fields, tokens, types).</summary>
    public SortedSet<string> UsedByCode { get; } = new(StringComparer.Ordinal);

    private readonly HashSet<EntityHandle> _ilOperands = new();

    /// <summary>Scans an assembly file.</summary>
    public static SubsetScanner Scan(string path)
    {
        var scanner = new SubsetScanner();
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        scanner.ScanDefinitions(md, pe);
        scanner.ScanReferences(md);
        return scanner;
    }

    private void ScanDefinitions(MetadataReader md, PEReader pe)
    {
        var provider = new SignatureNames(Violations);
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(th);
            string typeName = TypeDefName(md, th);
            if (type.GetGenericParameters().Count > 0)
            {
                Violations.Add("generic type definition " + typeName);
            }

            foreach (FieldDefinitionHandle fh in type.GetFields())
            {
                FieldDefinition field = md.GetFieldDefinition(fh);
                provider.Context = "field " + typeName + "." + md.GetString(field.Name);
                field.DecodeSignature(provider, null);
            }

            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(mh);
                string name = typeName + "." + md.GetString(method.Name);
                provider.Context = "method " + name;
                if (method.GetGenericParameters().Count > 0)
                {
                    Violations.Add("generic method definition " + name);
                }

                method.DecodeSignature(provider, null);
                foreach (CustomAttributeHandle ah in method.GetCustomAttributes())
                {
                    string attribute = AttributeTypeName(md, md.GetCustomAttribute(ah));
                    if (attribute.EndsWith("AsyncStateMachineAttribute", StringComparison.Ordinal) || attribute.EndsWith("IteratorStateMachineAttribute", StringComparison.Ordinal))
                    {
                        Violations.Add("state machine (" + attribute + ") on " + name);
                    }
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    ScanBody(md, pe.GetMethodBody(method.RelativeVirtualAddress), name, provider);
                }
            }
        }

        if (md.GetTableRowCount(TableIndex.MethodSpec) > 0)
        {
            Violations.Add(md.GetTableRowCount(TableIndex.MethodSpec) + " generic method instantiation(s) (MethodSpec)");
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            TypeSpecification spec = md.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row));
            provider.Context = "TypeSpec " + row;
            spec.DecodeSignature(provider, null);
        }
    }

    private void ScanBody(MetadataReader md, MethodBodyBlock body, string name, SignatureNames provider)
    {
        if (!body.LocalSignature.IsNil)
        {
            provider.Context = "locals of " + name;
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
        }

        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int offset = il.Offset;
            ushort value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (ushort)(0xFE00 | il.ReadByte());
            }

            if (!OpCodesByValue.TryGetValue(value, out OpCode op))
            {
                Violations.Add("unknown opcode 0x" + value.ToString("X") + " in " + name + " at IL_" + offset.ToString("X4"));
                return;
            }

            if (op == OpCodes.Localloc)
            {
                Violations.Add("localloc (stackalloc) in " + name + " at IL_" + offset.ToString("X4"));
            }

            SkipOperand(ref il, op.OperandType);
        }
    }

    private void SkipOperand(ref BlobReader il, OperandType type)
    {
        switch (type)
        {
            case OperandType.InlineMethod:
            case OperandType.InlineField:
            case OperandType.InlineTok:
            case OperandType.InlineType:
                _ilOperands.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                break;
            case OperandType.InlineNone:
                break;
            case OperandType.ShortInlineBrTarget:
            case OperandType.ShortInlineI:
            case OperandType.ShortInlineVar:
                il.Offset += 1;
                break;
            case OperandType.InlineVar:
                il.Offset += 2;
                break;
            case OperandType.InlineI8:
            case OperandType.InlineR:
                il.Offset += 8;
                break;
            case OperandType.InlineSwitch:
                int count = il.ReadInt32();
                il.Offset += 4 * count;
                break;
            default:
                il.Offset += 4;
                break;
        }
    }

    private void ScanReferences(MetadataReader md)
    {
        var provider = new SignatureNames(Violations);
        foreach (TypeReferenceHandle th in md.TypeReferences)
        {
            string name = TypeRefName(md, th);
            References.Add("T:" + name);
            if (_ilOperands.Contains(th))
            {
                UsedByCode.Add("T:" + name);
            }

            if (name.EndsWith("IAsyncStateMachine", StringComparison.Ordinal) || name.EndsWith("AsyncStateMachineAttribute", StringComparison.Ordinal))
            {
                Violations.Add("async state machine reference " + name);
            }
        }

        foreach (MemberReferenceHandle mh in md.MemberReferences)
        {
            MemberReference member = md.GetMemberReference(mh);
            string parent = member.Parent.Kind switch
            {
                HandleKind.TypeReference => TypeRefName(md, (TypeReferenceHandle)member.Parent),
                HandleKind.TypeDefinition => TypeDefName(md, (TypeDefinitionHandle)member.Parent),
                HandleKind.TypeSpecification => "TypeSpec" + MetadataTokens.GetRowNumber((TypeSpecificationHandle)member.Parent),
                _ => member.Parent.Kind.ToString(),
            };
            string name = parent + "." + md.GetString(member.Name);
            provider.Context = "member reference " + name;
            string reference;
            if (member.GetKind() == MemberReferenceKind.Method)
            {
                MethodSignature<string> sig = member.DecodeMethodSignature(provider, null);
                reference = "M:" + name + "(" + string.Join(", ", sig.ParameterTypes) + ")";
            }
            else
            {
                member.DecodeFieldSignature(provider, null);
                reference = "F:" + name;
            }

            References.Add(reference);
            if (_ilOperands.Contains(mh))
            {
                UsedByCode.Add(reference);
            }
        }
    }

    private static string AttributeTypeName(MetadataReader md, CustomAttribute attribute)
    {
        EntityHandle ctor = attribute.Constructor;
        if (ctor.Kind == HandleKind.MemberReference)
        {
            EntityHandle parent = md.GetMemberReference((MemberReferenceHandle)ctor).Parent;
            return parent.Kind == HandleKind.TypeReference ? TypeRefName(md, (TypeReferenceHandle)parent) : parent.Kind.ToString();
        }

        return TypeDefName(md, md.GetMethodDefinition((MethodDefinitionHandle)ctor).GetDeclaringType());
    }

    internal static string TypeRefName(MetadataReader md, TypeReferenceHandle handle)
    {
        TypeReference t = md.GetTypeReference(handle);
        string name = md.GetString(t.Name);
        if (t.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return TypeRefName(md, (TypeReferenceHandle)t.ResolutionScope) + "+" + name;
        }

        string ns = md.GetString(t.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    internal static string TypeDefName(MetadataReader md, TypeDefinitionHandle handle)
    {
        TypeDefinition t = md.GetTypeDefinition(handle);
        string name = md.GetString(t.Name);
        if (t.IsNested)
        {
            return TypeDefName(md, t.GetDeclaringType()) + "+" + name;
        }

        string ns = md.GetString(t.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static Dictionary<ushort, OpCode> BuildOpCodeTable()
    {
        var table = new Dictionary<ushort, OpCode>();
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            table[unchecked((ushort)op.Value)] = op;
        }

        return table;
    }
}
