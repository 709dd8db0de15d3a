using EdgeMicro.Core.Device.Update;

namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// Field and value names of every device message (JSON objects, see <see cref="Payloads"/>). Every outgoing
    /// message has <c>type</c>, <c>boot</c> (boot counter) and <c>seq</c>: results, labels and events are numbered
    /// per boot from 1 without gaps (a gap is a message the device dropped), and the pair identifies a message, so the
    /// host drops a redelivered one; status messages carry seq 0 (not numbered, the newest wins). Host decoders use these constants, never literals.
    /// </summary>
    public static class PayloadFields
    {
        /// <summary>Message type.</summary>
        public const string Type = "type";

        /// <summary>Boot counter.</summary>
        public const string Boot = "boot";

        /// <summary>Sequence number within the boot.</summary>
        public const string Seq = "seq";

        /// <summary>Device time in milliseconds since boot.</summary>
        public const string Time = "t";

        /// <summary>Sample sequence number.</summary>
        public const string Sample = "sample";

        /// <summary>Predicted class.</summary>
        public const string Class = "class";

        /// <summary>Runner-up class.</summary>
        public const string RunnerUp = "runner_up";

        /// <summary>Q15 confidence.</summary>
        public const string Confidence = "conf";

        /// <summary>Q15 margin.</summary>
        public const string Margin = "margin";

        /// <summary>Model id.</summary>
        public const string Model = "model";

        /// <summary>Model version.</summary>
        public const string Version = "ver";

        /// <summary>True class (label).</summary>
        public const string TrueClass = "true";

        /// <summary>Predicted class of a labelled sample.</summary>
        public const string Predicted = "pred";

        /// <summary>Firmware version.</summary>
        public const string Firmware = "fw";

        /// <summary>Where the running model came from (<see cref="ActiveModel"/> sources).</summary>
        public const string Source = "source";

        /// <summary>Uptime in milliseconds.</summary>
        public const string Uptime = "uptime_ms";

        /// <summary>Free memory in bytes.</summary>
        public const string Free = "free";

        /// <summary>Sampling period in milliseconds.</summary>
        public const string Period = "period_ms";

        /// <summary>Messages waiting in the outbox.</summary>
        public const string Queued = "queued";

        /// <summary>Messages dropped by the full outbox since boot.</summary>
        public const string Dropped = "dropped";

        /// <summary>Results and labels dropped by the full outbox since boot.</summary>
        public const string DroppedResults = "dropped_results";

        /// <summary>Events (command replies, boot, model and drift events) dropped by the full outbox since boot.</summary>
        public const string DroppedEvents = "dropped_events";

        /// <summary>Statistics windows lost since boot (a window that could not wait, see RuntimeStatistics.Dropped).</summary>
        public const string DroppedWindows = "dropped_windows";

        /// <summary>Messages the host acknowledged since boot.</summary>
        public const string Acknowledged = "acked";

        /// <summary>Online flag (false only in the will message).</summary>
        public const string Online = "online";

        /// <summary>Event name.</summary>
        public const string Event = "event";

        /// <summary>Update id.</summary>
        public const string Update = "update";

        /// <summary>Machine-readable reason (<see cref="UpdateReasons"/>).</summary>
        public const string Reason = "reason";

        /// <summary>Human-readable detail.</summary>
        public const string Detail = "detail";

        /// <summary>Command name.</summary>
        public const string Command = "cmd";

        /// <summary>Command id (echoed).</summary>
        public const string CommandId = "id";

        /// <summary>Command success.</summary>
        public const string Ok = "ok";

        /// <summary>Type value: classification result.</summary>
        public const string TypeResult = "result";

        /// <summary>Type value: label.</summary>
        public const string TypeLabel = "label";

        /// <summary>Type value: status.</summary>
        public const string TypeStatus = "status";

        /// <summary>Type value: event.</summary>
        public const string TypeEvent = "event";

        /// <summary>Event: the device booted.</summary>
        public const string EventBoot = "boot";

        /// <summary>Event: an update was verified and activated.</summary>
        public const string EventAccepted = "model-accepted";

        /// <summary>Event: an update was rejected (reason, detail).</summary>
        public const string EventRejected = "model-rejected";

        /// <summary>Event: rollback done.</summary>
        public const string EventRolledBack = "model-rolled-back";

        /// <summary>Event: the statistics' Page-Hinkley test raised a drift alarm on mean confidence.</summary>
        public const string EventDrift = "drift";

        /// <summary>Event: command handled (ok, reason).</summary>
        public const string EventCommand = "command";
    }
}
