using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace EdgeMicro.TestKit.Il;

/// <summary>Names signature types and records the ones outside the subset.</summary>
internal sealed class SignatureNames : ISignatureTypeProvider<string, object?>
{
    private readonly List<string> _violations;

    public SignatureNames(List<string> violations)
    {
        _violations = violations;
    }

    public string Context { get; set; } = string.Empty;

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode.ToString();

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => SubsetScanner.TypeDefName(reader, handle);

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => SubsetScanner.TypeRefName(reader, handle);

    public string GetSZArrayType(string elementType) => elementType + "[]";

    public string GetByReferenceType(string elementType) => elementType + "&";

    public string GetArrayType(string elementType, ArrayShape shape) => Flag("multi-dimensional array " + elementType + "[" + new string(',', shape.Rank - 1) + "]");

    public string GetPointerType(string elementType) => Flag("pointer type " + elementType + "*");

    public string GetPinnedType(string elementType) => Flag("pinned local " + elementType);

    public string GetFunctionPointerType(MethodSignature<string> signature) => Flag("function pointer");

    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => Flag("generic instantiation " + genericType + "<" + string.Join(", ", typeArguments) + ">");

    public string GetGenericMethodParameter(object? genericContext, int index) => Flag("generic method parameter !!" + index);

    public string GetGenericTypeParameter(object? genericContext, int index) => Flag("generic type parameter !" + index);

    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType + (isRequired ? " modreq(" : " modopt(") + modifier + ")";

    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    private string Flag(string what)
    {
        _violations.Add(what + " in " + Context);
        return what;
    }
}
