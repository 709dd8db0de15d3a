using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Reference;

/// <summary>
/// The output head, written from the OutputHead contract: argmax with the lowest index winning ties, runner-up the
/// best of the rest (lowest index on ties); softmax confidence/margin from the Q16 table of exp(-d s); sigmoid from the
/// Q15 table indexed by q + 128, a single output meaning a binary classifier.
/// </summary>
public static class ReferenceHead
{
    private const long One = 1 << 15;

    /// <summary>Evaluates the head on the last layer's outputs.</summary>
    public static (int Class, int RunnerUp, int Confidence, int Margin) Evaluate(ModelDefinition m, sbyte[] q)
    {
        int[] t = m.OutputTable;
        int outputs = q.Length;
        if (m.OutputKind == OutputKind.Sigmoid && outputs == 1)
        {
            long p = t[q[0] + 128];
            bool classOne = p >= One / 2;
            long confidence = Math.Max(p, One - p);
            return (classOne ? 1 : 0, classOne ? 0 : 1, (int)confidence, (int)Math.Abs((2 * p) - One));
        }

        int top = 0;
        for (int j = 0; j < outputs; j++)
        {
            if (q[j] > q[top])
            {
                top = j;
            }
        }

        int second = -1;
        for (int j = 0; j < outputs; j++)
        {
            if (j != top && (second < 0 || q[j] > q[second]))
            {
                second = j;
            }
        }

        if (m.OutputKind == OutputKind.Sigmoid)
        {
            return (top, second, t[q[top] + 128], t[q[top] + 128] - t[q[second] + 128]);
        }

        long sum = 0;
        for (int j = 0; j < outputs; j++)
        {
            sum += t[q[top] - q[j]];
        }

        long pTop = ((1L << 31) + (sum / 2)) / sum;
        long pSecond = ((t[q[top] - q[second]] * One) + (sum / 2)) / sum;
        return (top, second, (int)pTop, (int)(pTop - pSecond));
    }
}
