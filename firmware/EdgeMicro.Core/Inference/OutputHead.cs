using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Turns the last layer's int8 outputs into class, runner-up, confidence and margin, integer only.
    /// <para>Softmax head: top = argmax q (lowest index on ties), runner-up = best of the rest; with
    /// T[d] = round(2^16 exp(-d s_out)) for d in [0, 255] (model's OutputTable), sum = sum_j T[q_top - q_j];
    /// confidence = (2^31 + sum/2) / sum (Q15 of softmax(top)); margin = confidence - (T[q_top - q_second] * 2^15 +
    /// sum/2) / sum (Q15 of p_top - p_second).</para>
    /// <para>Sigmoid head: T[q + 128] = Q15 of sigmoid(s_out (q - zp_out)). One output: class 1 when
    /// T &gt;= 2^14, confidence = max(T, 2^15 - T), margin = |2T - 2^15|. Several outputs: argmax q, confidence =
    /// T[top], margin = T[top] - T[second].</para>
    /// </summary>
    public static class OutputHead
    {
        /// <summary>Q15 one.</summary>
        public const int One = 32768;

        /// <summary>
        /// Adds the Q15 posterior vector of the last layer's outputs to sums[offset + j] (integer only, allocates
        /// nothing): softmax head p_j = (T[q_top - q_j] * 2^15 + sum/2) / sum as in <see cref="Evaluate"/> (so p_top is
        /// exactly the confidence); one sigmoid output p_1 = T[q + 128], p_0 = 2^15 - p_1; several sigmoid outputs
        /// T[q_j + 128] each (not normalised).
        /// </summary>
        /// <param name="m">The model.</param>
        /// <param name="q">Last layer outputs.</param>
        /// <param name="sums">Sums to add to (K values from offset).</param>
        /// <param name="offset">First sum.</param>
        public static void AddPosterior(ModelDefinition m, sbyte[] q, long[] sums, int offset)
        {
            int[] table = m.OutputTable;
            int outputs = m.Layers[m.Layers.Length - 1].OutputLength;
            if (m.OutputKind == OutputKind.Sigmoid)
            {
                if (outputs == 1)
                {
                    int p = table[q[0] + 128];
                    sums[offset + 1] += p;
                    sums[offset] += One - p;
                    return;
                }

                for (int j = 0; j < outputs; j++)
                {
                    sums[offset + j] += table[q[j] + 128];
                }

                return;
            }

            int top = q[0];
            for (int j = 1; j < outputs; j++)
            {
                if (q[j] > top)
                {
                    top = q[j];
                }
            }

            long sum = 0;
            for (int j = 0; j < outputs; j++)
            {
                sum += table[top - q[j]];
            }

            long half = sum / 2;
            for (int j = 0; j < outputs; j++)
            {
                sums[offset + j] += (((long)table[top - q[j]] << 15) + half) / sum;
            }
        }

        /// <summary>Evaluates the head into the classifier's result fields.</summary>
        /// <param name="m">The model.</param>
        /// <param name="q">Last layer outputs (at least the model's output count).</param>
        /// <param name="result">Where the class, runner-up, confidence and margin go.</param>
        public static void Evaluate(ModelDefinition m, sbyte[] q, Classifier result)
        {
            int[] table = m.OutputTable;
            int outputs = m.Layers[m.Layers.Length - 1].OutputLength;
            if (m.OutputKind == OutputKind.Sigmoid && outputs == 1)
            {
                int p = table[q[0] + 128];
                bool positive = p >= One / 2;
                result.SetResult(positive ? 1 : 0, positive ? 0 : 1, positive ? p : One - p, positive ? (2 * p) - One : One - (2 * p));
                return;
            }

            // One pass: top is the first maximum so far; second the first maximum of the rest (an old top always
            // precedes an equal second, so it wins the tie when it is demoted).
            int top = 0, second = -1, qTop = q[0], qSecond = int.MinValue;
            for (int j = 1; j < outputs; j++)
            {
                int v = q[j];
                if (v > qTop)
                {
                    second = top;
                    qSecond = qTop;
                    top = j;
                    qTop = v;
                }
                else if (v > qSecond)
                {
                    second = j;
                    qSecond = v;
                }
            }

            if (second < 0)
            {
                second = 1;
                qSecond = q[1];
            }

            if (m.OutputKind == OutputKind.Sigmoid)
            {
                int pt = table[q[top] + 128];
                result.SetResult(top, second, pt, pt - table[q[second] + 128]);
                return;
            }

            long sum = 0;
            for (int j = 0; j < outputs; j++)
            {
                sum += table[qTop - q[j]];
            }

            int confidence = (int)(((1L << 31) + (sum / 2)) / sum);
            int runnerUp = (int)((((long)table[qTop - qSecond] << 15) + (sum / 2)) / sum);
            result.SetResult(top, second, confidence, confidence - runnerUp);
        }
    }
}
