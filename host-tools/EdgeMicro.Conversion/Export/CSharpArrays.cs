using System.Globalization;
using System.Text;

namespace EdgeMicro.Conversion.Export;

/// <summary>Formats array initializers for generated C# (invariant culture, fixed line widths: deterministic).</summary>
internal static class CSharpArrays
{
    public static void Field(StringBuilder sb, string indent, string type, string name, IReadOnlyList<long>? values, int perLine, string doc)
    {
        sb.Append(indent).Append("/// <summary>").Append(doc).AppendLine("</summary>");
        if (values == null)
        {
            sb.Append(indent).Append("public static readonly ").Append(type).Append("[] ").Append(name).AppendLine(" = null;");
            sb.AppendLine();
            return;
        }

        sb.Append(indent).Append("public static readonly ").Append(type).Append("[] ").Append(name).Append(" = new ").Append(type).AppendLine("[]");
        sb.Append(indent).AppendLine("{");
        for (int i = 0; i < values.Count; i += perLine)
        {
            sb.Append(indent).Append("    ");
            for (int k = i; k < Math.Min(values.Count, i + perLine); k++)
            {
                sb.Append(values[k].ToString(CultureInfo.InvariantCulture)).Append(',');
                if (k + 1 < Math.Min(values.Count, i + perLine))
                {
                    sb.Append(' ');
                }
            }

            sb.AppendLine();
        }

        sb.Append(indent).AppendLine("};");
        sb.AppendLine();
    }

    public static string Literal(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 32 || c > 126)
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }
}
