using System.Globalization;
using EdgeMicro.Conversion.Evaluation;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// <c>convert --activations auto</c>: keeps int8 activations (the SWAR kernels, several times faster) unless they cost
/// more than <see cref="AllowedLoss"/> of accuracy against the float model on the evaluation set; then quantizes
/// again with 16-bit activations and keeps that model if it is more accurate. The weights mode does not change the
/// rule: with <c>--weights code</c> a 16-bit model has its Dense layers compiled in (<see cref="Export.WideKernelGenerator"/>).
/// </summary>
public static class ActivationChoice
{
    /// <summary>Accuracy loss against float above which 16-bit activations are tried (0.5 percentage point).</summary>
    public const double AllowedLoss = 0.005;

    /// <summary>Chooses between the int8 model and, when it loses too much, the 16-bit one.</summary>
    /// <param name="int8">The model with int8 activations.</param>
    /// <param name="int8Evaluation">Its evaluation.</param>
    /// <param name="quantizeWide">Quantizes and evaluates with 16-bit activations.</param>
    /// <returns>The chosen model, its evaluation and the reason, for the report.</returns>
    public static (BudgetedModel Model, TwinEvaluation Evaluation, string Reason) Choose(
        BudgetedModel int8, TwinEvaluation int8Evaluation, Func<(BudgetedModel Model, TwinEvaluation Evaluation)> quantizeWide)
    {
        ArgumentNullException.ThrowIfNull(int8Evaluation);
        ArgumentNullException.ThrowIfNull(quantizeWide);
        double loss8 = Loss(int8Evaluation);
        if (loss8 <= AllowedLoss)
        {
            return (int8, int8Evaluation, $"auto: int8 ({Pp(loss8)} pp below float, within {Pp(AllowedLoss)})");
        }

        (BudgetedModel wide, TwinEvaluation wideEvaluation) = quantizeWide();
        double loss16 = Loss(wideEvaluation);
        return wideEvaluation.Int8.Accuracy > int8Evaluation.Int8.Accuracy
            ? (wide, wideEvaluation, $"auto: int16 (int8 was {Pp(loss8)} pp below float, int16 {Pp(loss16)} pp)")
            : (int8, int8Evaluation, $"auto: int8 ({Pp(loss8)} pp below float; int16 was not better: {Pp(loss16)} pp)");
    }

    private static double Loss(TwinEvaluation e) => e.Float.Accuracy - e.Int8.Accuracy;

    private static string Pp(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture);
}
