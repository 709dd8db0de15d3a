using System.Text;

namespace EdgeMicro.Conversion.Export;

/// <summary>Turns user-given names into C# identifiers (PascalCase, ASCII).</summary>
public static class CSharpNames
{
    /// <summary>PascalCase identifier from a name like "digits_mlp-dev".</summary>
    /// <param name="name">Any name.</param>
    /// <returns>An identifier.</returns>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        if (sb.Length == 0 || char.IsAsciiDigit(sb[0]))
        {
            sb.Insert(0, 'M');
        }

        return sb.ToString();
    }
}
