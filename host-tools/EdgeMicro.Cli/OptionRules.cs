using System.CommandLine;

namespace EdgeMicro.Cli;

/// <summary>
/// Range rules for numeric options, checked while parsing (before any work): a violation is a usage error (exit 2)
/// with one line naming the option, the rule and the value given.
/// </summary>
internal static class OptionRules
{
    /// <summary>Requires one of the given words (one line naming the option, the words and the value given).</summary>
    /// <param name="option">Option.</param>
    /// <param name="values">The allowed words.</param>
    /// <returns>The option.</returns>
    public static Option<string> OneOf(this Option<string> option, params string[] values)
    {
        option.Validators.Add(r =>
        {
            string? v = r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;
            if (v != null && !values.Contains(v, StringComparer.Ordinal))
            {
                r.AddError($"{option.Name} must be one of {string.Join(", ", values)}, got {v}");
            }
        });
        return option;
    }

    /// <summary>Requires a value of at least <paramref name="min"/>.</summary>
    /// <param name="option">Option.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <returns>The option.</returns>
    public static Option<int> AtLeast(this Option<int> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (!TryGet(r, out int v))
            {
                return;
            }

            if (v < min)
            {
                r.AddError($"{option.Name} must be at least {min}, got {v}");
            }
        });
        return option;
    }

    /// <summary>Requires a value in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="option">Option.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <param name="max">Largest allowed value.</param>
    /// <returns>The option.</returns>
    public static Option<int> Between(this Option<int> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            if (!TryGet(r, out int v))
            {
                return;
            }

            if (v < min || v > max)
            {
                r.AddError($"{option.Name} must be between {min} and {max}, got {v}");
            }
        });
        return option;
    }

    /// <summary>Requires a finite value greater than zero (durations, timeouts).</summary>
    /// <param name="option">Option.</param>
    /// <returns>The option.</returns>
    public static Option<double> Positive(this Option<double> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out double v))
            {
                CheckPositive(r, option.Name, v);
            }
        });
        return option;
    }

    /// <summary>Requires a finite value greater than zero when given.</summary>
    /// <param name="option">Option.</param>
    /// <returns>The option.</returns>
    public static Option<double?> Positive(this Option<double?> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out double? value) && value is { } v)
            {
                CheckPositive(r, option.Name, v);
            }
        });
        return option;
    }

    /// <summary>Requires a finite value in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="option">Option.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <param name="max">Largest allowed value.</param>
    /// <returns>The option.</returns>
    public static Option<double> Between(this Option<double> option, double min, double max)
    {
        option.Validators.Add(r =>
        {
            if (!TryGet(r, out double v))
            {
                return;
            }

            if (!double.IsFinite(v) || v < min || v > max)
            {
                r.AddError($"{option.Name} must be between {min} and {max}, got {v}");
            }
        });
        return option;
    }

    /// <summary>Gets the value, or false when the token did not parse (that error is already reported).</summary>
    private static bool TryGet<T>(System.CommandLine.Parsing.OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static void CheckPositive(System.CommandLine.Parsing.OptionResult r, string name, double v)
    {
        if (!double.IsFinite(v) || v <= 0)
        {
            r.AddError($"{name} must be a number greater than 0, got {v}");
        }
    }
}
