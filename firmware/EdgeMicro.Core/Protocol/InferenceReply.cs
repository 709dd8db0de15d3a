using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Payload of <see cref="MessageType.InferResult"/>: u16 predicted class, u16 runner-up class, i32 confidence Q15,
    /// i32 margin Q15, i64 on-device ticks of the inference (two i32, low first), u16 output count, sbyte raw outputs.
    /// </summary>
    public sealed class InferenceReply
    {
        /// <summary>Gets or sets the predicted class.</summary>
        public int PredictedClass { get; set; }

        /// <summary>Gets or sets the runner-up class.</summary>
        public int RunnerUpClass { get; set; }

        /// <summary>Gets or sets the Q15 confidence.</summary>
        public int ConfidenceQ15 { get; set; }

        /// <summary>Gets or sets the Q15 margin.</summary>
        public int MarginQ15 { get; set; }

        /// <summary>Gets or sets the ticks the inference took on the device.</summary>
        public long Ticks { get; set; }

        /// <summary>Gets or sets the last layer's int8 outputs.</summary>
        public sbyte[] Outputs { get; set; }

        /// <summary>Captures a classifier's last result.</summary>
        /// <param name="classifier">The classifier after <see cref="Classifier.Classify(int[])"/>.</param>
        /// <param name="outputCount">Number of outputs of the last layer.</param>
        /// <param name="ticks">Elapsed ticks.</param>
        /// <returns>The reply.</returns>
        public static InferenceReply From(Classifier classifier, int outputCount, long ticks)
        {
            InferenceReply reply = new InferenceReply();
            reply.PredictedClass = classifier.PredictedClass;
            reply.RunnerUpClass = classifier.RunnerUpClass;
            reply.ConfidenceQ15 = classifier.ConfidenceQ15;
            reply.MarginQ15 = classifier.MarginQ15;
            reply.Ticks = ticks;
            sbyte[] outputs = new sbyte[outputCount];
            for (int i = 0; i < outputCount; i++)
            {
                outputs[i] = classifier.Outputs[i];
            }

            reply.Outputs = outputs;
            return reply;
        }

        /// <summary>Encodes the payload.</summary>
        /// <returns>The bytes.</returns>
        public byte[] ToBytes()
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteInt16(PredictedClass);
            w.WriteInt16(RunnerUpClass);
            w.WriteInt32(ConfidenceQ15);
            w.WriteInt32(MarginQ15);
            w.WriteInt32(unchecked((int)(Ticks & 0xFFFFFFFF)));
            w.WriteInt32(unchecked((int)(Ticks >> 32)));
            int n = Outputs == null ? 0 : Outputs.Length;
            w.WriteInt16(n);
            for (int i = 0; i < n; i++)
            {
                w.WriteByte(Outputs[i]);
            }

            return w.ToArray();
        }

        /// <summary>Decodes the payload.</summary>
        /// <param name="payload">The bytes.</param>
        /// <returns>The reply.</returns>
        public static InferenceReply Read(byte[] payload)
        {
            ByteReader r = new ByteReader(payload, 0, payload.Length);
            InferenceReply reply = new InferenceReply();
            reply.PredictedClass = r.ReadUInt16("class");
            reply.RunnerUpClass = r.ReadUInt16("runner-up class");
            reply.ConfidenceQ15 = r.ReadInt32("confidence");
            reply.MarginQ15 = r.ReadInt32("margin");
            long low = r.ReadUInt32("ticks");
            long high = r.ReadInt32("ticks");
            reply.Ticks = (high << 32) | low;
            int n = r.ReadUInt16("output count");
            sbyte[] outputs = new sbyte[n];
            for (int i = 0; i < n; i++)
            {
                int b = r.ReadByte("output");
                outputs[i] = (sbyte)(b > 127 ? b - 256 : b);
            }

            reply.Outputs = outputs;
            return reply;
        }
    }
}
