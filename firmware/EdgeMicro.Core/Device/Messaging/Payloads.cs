using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>Encoders of the device's outgoing messages (field names in <see cref="PayloadFields"/>).</summary>
    public static class Payloads
    {
        /// <summary>Starts a message: type, boot, seq, t.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="type">Type value.</param>
        /// <param name="boot">Boot counter.</param>
        /// <param name="seq">Sequence number.</param>
        /// <param name="nowMs">Device time.</param>
        public static void Header(PayloadWriter w, string type, long boot, uint seq, long nowMs)
        {
            w.Begin();
            w.Text(PayloadFields.Type, type);
            w.Number(PayloadFields.Boot, boot);
            w.Number(PayloadFields.Seq, seq);
            w.Number(PayloadFields.Time, nowMs);
        }

        /// <summary>One classified sample.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="boot">Boot counter.</param>
        /// <param name="seq">Sequence number.</param>
        /// <param name="nowMs">Device time.</param>
        /// <param name="sample">Sample sequence number.</param>
        /// <param name="c">Classifier holding the result.</param>
        public static void Result(PayloadWriter w, long boot, uint seq, long nowMs, uint sample, Classifier c)
        {
            Header(w, PayloadFields.TypeResult, boot, seq, nowMs);
            w.Number(PayloadFields.Sample, sample);
            w.Number(PayloadFields.Class, c.PredictedClass);
            w.Number(PayloadFields.RunnerUp, c.RunnerUpClass);
            w.Number(PayloadFields.Confidence, c.ConfidenceQ15);
            w.Number(PayloadFields.Margin, c.MarginQ15);
            w.Text(PayloadFields.Model, c.Model.ModelId);
            w.Number(PayloadFields.Version, c.Model.ModelVersion);
            w.End();
        }

        /// <summary>A ground-truth label for a sample.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="boot">Boot counter.</param>
        /// <param name="seq">Sequence number.</param>
        /// <param name="nowMs">Device time.</param>
        /// <param name="sample">Labelled sample.</param>
        /// <param name="trueClass">True class.</param>
        /// <param name="predicted">Predicted class.</param>
        public static void Label(PayloadWriter w, long boot, uint seq, long nowMs, uint sample, int trueClass, int predicted)
        {
            Header(w, PayloadFields.TypeLabel, boot, seq, nowMs);
            w.Number(PayloadFields.Sample, sample);
            w.Number(PayloadFields.TrueClass, trueClass);
            w.Number(PayloadFields.Predicted, predicted);
            w.End();
        }

        /// <summary>The retained status.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="boot">Boot counter.</param>
        /// <param name="seq">Sequence number.</param>
        /// <param name="nowMs">Device time (= uptime).</param>
        /// <param name="firmware">Firmware version.</param>
        /// <param name="model">Running model.</param>
        /// <param name="freeBytes">Free memory.</param>
        /// <param name="periodMs">Sampling period.</param>
        /// <param name="outbox">The outbox (queued, dropped, acknowledged).</param>
        /// <param name="droppedWindows">Statistics windows lost since boot.</param>
        public static void Status(PayloadWriter w, long boot, uint seq, long nowMs, string firmware, ActiveModel model, long freeBytes, int periodMs, Outbox outbox, long droppedWindows)
        {
            Header(w, PayloadFields.TypeStatus, boot, seq, nowMs);
            w.Bool(PayloadFields.Online, true);
            w.Text(PayloadFields.Firmware, firmware);
            w.Text(PayloadFields.Model, model.Model.ModelId);
            w.Number(PayloadFields.Version, model.Model.ModelVersion);
            w.Text(PayloadFields.Source, model.SourceName);
            w.Number(PayloadFields.Uptime, nowMs);
            w.Number(PayloadFields.Free, freeBytes);
            w.Number(PayloadFields.Period, periodMs);
            w.Number(PayloadFields.Queued, outbox.Count);
            w.Number(PayloadFields.Dropped, outbox.Dropped);
            w.Number(PayloadFields.DroppedResults, outbox.DroppedOf(Outbox.PriorityResult));
            w.Number(PayloadFields.DroppedEvents, outbox.DroppedOf(Outbox.PriorityReply) + outbox.DroppedOf(Outbox.PriorityEvent));
            w.Number(PayloadFields.DroppedWindows, droppedWindows);
            w.Number(PayloadFields.Acknowledged, outbox.Acknowledged);
            w.End();
        }

        /// <summary>An event; null fields are written as JSON null.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="boot">Boot counter.</param>
        /// <param name="seq">Sequence number.</param>
        /// <param name="nowMs">Device time.</param>
        /// <param name="name">Event name (<see cref="PayloadFields"/> Event* values).</param>
        /// <param name="updateId">Update id, or -1.</param>
        /// <param name="modelId">Model id, or null.</param>
        /// <param name="version">Model version, or -1.</param>
        /// <param name="reason">Reason code, or null.</param>
        /// <param name="detail">Detail text, or null.</param>
        public static void Event(PayloadWriter w, long boot, uint seq, long nowMs, string name, long updateId, string modelId, long version, string reason, string detail)
        {
            Header(w, PayloadFields.TypeEvent, boot, seq, nowMs);
            w.Text(PayloadFields.Event, name);
            w.Number(PayloadFields.Update, updateId);
            w.Text(PayloadFields.Model, modelId);
            w.Number(PayloadFields.Version, version);
            w.Text(PayloadFields.Reason, reason);
            w.Text(PayloadFields.Detail, detail);
            w.End();
        }

        /// <summary>A command reply event.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="boot">Boot counter.</param>
        /// <param name="seq">Sequence number.</param>
        /// <param name="nowMs">Device time.</param>
        /// <param name="command">Command name.</param>
        /// <param name="id">Command id as sent, or -1.</param>
        /// <param name="ok">Success.</param>
        /// <param name="detail">Detail or null.</param>
        public static void CommandReply(PayloadWriter w, long boot, uint seq, long nowMs, string command, long id, bool ok, string detail)
        {
            Header(w, PayloadFields.TypeEvent, boot, seq, nowMs);
            w.Text(PayloadFields.Event, PayloadFields.EventCommand);
            w.Text(PayloadFields.Command, command);
            w.Number(PayloadFields.CommandId, id);
            w.Bool(PayloadFields.Ok, ok);
            w.Text(PayloadFields.Detail, detail);
            w.End();
        }

        /// <summary>The retained will the broker publishes on status when the device vanishes.</summary>
        /// <param name="w">Writer.</param>
        public static void Offline(PayloadWriter w)
        {
            w.Begin();
            w.Text(PayloadFields.Type, PayloadFields.TypeStatus);
            w.Bool(PayloadFields.Online, false);
            w.End();
        }
    }
}
