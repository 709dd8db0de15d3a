using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>Incoming commands and update messages, outgoing events and status, and the outbox flush.</summary>
    public sealed partial class DeviceRuntime
    {
        /// <summary>Least time between two events about unauthenticated manifests (the ones between are only counted).</summary>
        public const int RefusalEventIntervalMs = 60000;

        private long _nextRefusalEventMs;
        private int _refusalsSinceEvent;
        private uint _lastRefusedUpdate;

        /// <summary>Gets the number of manifests refused without effect (unauthenticated, other target, below the floor).</summary>
        public long RefusedManifests { get; private set; }

        private void HandleInbound(MqttInbound m, long now)
        {
            int kind = _topics.Incoming(m.Topic);
            if (kind == TopicLayout.Command)
            {
                HandleCommand(m.Payload, now);
            }
            else if (kind == TopicLayout.Manifest)
            {
                int status = _updater.OnManifest(m.Payload);
                UpdateManifest old = _updater.Superseded;
                if (old != null)
                {
                    Event(now, PayloadFields.EventRejected, old.UpdateId, old.ModelId, old.ModelVersion, UpdateReasons.Superseded, "a new manifest arrived");
                }

                Report(status, now);
            }
            else if (kind == TopicLayout.Chunk)
            {
                Report(_updater.OnChunk(m.Payload), now);
            }
            else if (kind == TopicLayout.Commit)
            {
                Report(_updater.OnCommit(m.Payload), now);
            }
        }

        /// <summary>
        /// A refused manifest changed nothing; it yields at most one event: an authentic one (replayed older model,
        /// other target) once per update id, so the publisher gets its verdict; an unauthenticated one (with the update
        /// id it claims, so a wrongly signed publish gets its verdict too) at most every
        /// <see cref="RefusalEventIntervalMs"/>, with the count of those suppressed since, so a flood of forged
        /// manifests cannot crowd results out of the outbox.
        /// </summary>
        private void Refused(long now)
        {
            RefusedManifests++;
            UpdateManifest m = _updater.Refused;
            string detail = _updater.RefusalDetail;
            if (m != null)
            {
                if (m.UpdateId != _lastRefusedUpdate)
                {
                    _lastRefusedUpdate = m.UpdateId;
                    Event(now, PayloadFields.EventRejected, m.UpdateId, m.ModelId, m.ModelVersion, _updater.RefusalReason, detail);
                }

                return;
            }

            if (now < _nextRefusalEventMs && _nextRefusalEventMs != 0)
            {
                _refusalsSinceEvent++;
                return;
            }

            if (_refusalsSinceEvent > 0)
            {
                detail = detail + " (" + _refusalsSinceEvent.ToString() + " more unauthenticated manifests refused before this one)";
            }

            _refusalsSinceEvent = 0;
            _nextRefusalEventMs = now + RefusalEventIntervalMs;
            _ports.Platform.Log("manifest refused: " + _updater.RefusalReason + ": " + detail);
            long claimed = _updater.RefusedUpdateId;
            UpdateManifest current = _updater.Manifest;
            if (current != null && claimed == current.UpdateId)
            {
                claimed = -1; // a forgery naming the real update must not look like that update's verdict
            }

            Event(now, PayloadFields.EventRejected, claimed, null, -1, _updater.RefusalReason, detail);
        }

        private void Report(int status, long now)
        {
            if (status == ModelUpdater.StatusRefused)
            {
                Refused(now);
                return;
            }

            UpdateManifest m = _updater.Manifest;
            if (status == ModelUpdater.StatusAccepted)
            {
                SetModel(_updater.Accepted);
                Event(now, PayloadFields.EventAccepted, m.UpdateId, m.ModelId, m.ModelVersion, null, null);
                Status(now);
            }
            else if (status == ModelUpdater.StatusRejected)
            {
                _ports.Platform.Log("update rejected: " + _updater.Reason + ": " + _updater.Detail);
                Event(now, PayloadFields.EventRejected, m == null ? -1 : m.UpdateId, m == null ? null : m.ModelId, m == null ? -1 : m.ModelVersion, _updater.Reason, _updater.Detail);
            }
        }

        private void HandleCommand(byte[] payload, long now)
        {
            string name = null;
            long id = -1;
            FlatJson j;
            try
            {
                j = FlatJson.Parse(payload, 0, payload.Length);
                name = j.GetString(PayloadFields.Command, null);
                id = j.GetNumber(PayloadFields.CommandId, -1);
            }
            catch (System.Exception e)
            {
                Reply(now, name, id, false, e.Message);
                return;
            }

            if (name == DeviceCommands.Ack)
            {
                OnAck(j);
            }
            else if (name == DeviceCommands.ResetStats)
            {
                if (_ports.Statistics != null)
                {
                    _ports.Statistics.Reset();
                }

                Reply(now, name, id, true, null);
            }
            else if (name == DeviceCommands.PullStats)
            {
                bool made = RequestStatsPull();
                Reply(now, name, id, made, made ? null : (_ports.Statistics == null ? "no statistics" : "a report is still waiting"));
            }
            else if (name == DeviceCommands.SampleNow)
            {
                _sampleRequested = true;
                Reply(now, name, id, true, null);
            }
            else if (name == DeviceCommands.SetPeriod)
            {
                long period = j.GetNumber(DeviceCommands.FieldPeriod, -1);
                if (period < 1 || period > 86400000)
                {
                    Reply(now, name, id, false, "period_ms must be 1..86400000");
                    return;
                }

                PeriodMs = (int)period;
                _nextSampleMs = now + PeriodMs;
                Reply(now, name, id, true, null);
                Status(now);
            }
            else if (name == DeviceCommands.Rollback)
            {
                Rollback(now, id);
            }
            else
            {
                Reply(now, name, id, false, DeviceCommands.UnknownDetail);
            }
        }

        private void Rollback(long now, long id)
        {
            ActiveModel previous = _slots.TryLoad(ModelSlots.PreviousFile, ActiveModel.SourceActive, _ports.Sensor.FeatureCount, _ports.Platform);
            if (previous == null)
            {
                Reply(now, DeviceCommands.Rollback, id, false, UpdateReasons.NoPrevious);
                return;
            }

            try
            {
                _slots.SwapActiveAndPrevious();
            }
            catch (System.Exception e)
            {
                try
                {
                    _slots.Recover();
                }
                catch (System.Exception)
                {
                    // Recovery runs again at boot.
                }

                Reply(now, DeviceCommands.Rollback, id, false, UpdateReasons.Storage + ": " + e.Message);
                return;
            }

            SetModel(previous);
            try
            {
                _updater.RollBackFloor(previous.Model.ModelVersion);
            }
            catch (System.Exception e)
            {
                _ports.Platform.Log("rollback: the anti-rollback floor stays v" + _updater.Floor.ToString() + ": " + e.Message);
            }

            Event(now, PayloadFields.EventRolledBack, -1, previous.Model.ModelId, previous.Model.ModelVersion, null, null);
            Reply(now, DeviceCommands.Rollback, id, true, null);
            Status(now);
        }

        private void Reply(long now, string command, long id, bool ok, string detail)
        {
            Payloads.CommandReply(_writer, BootNumber, _outbox.NextSequence, now, command, id, ok, detail);
            Commit(TopicLayout.Events, Outbox.PriorityReply, false);
        }

        private void Event(long now, string name, long updateId, string modelId, long version, string reason, string detail)
        {
            Payloads.Event(_writer, BootNumber, _outbox.NextSequence, now, name, updateId, modelId, version, reason, detail);
            Commit(TopicLayout.Events, Outbox.PriorityEvent, false);
        }

        private void Status(long now)
        {
            _nextStatusMs = now + _config.StatusPeriodMs;
            Payloads.Status(_writer, BootNumber, 0, now, FirmwareVersion, _model, _ports.Platform.FreeMemoryBytes, PeriodMs, _outbox, _ports.Statistics == null ? 0 : _ports.Statistics.Dropped);
            Commit(TopicLayout.Status, Outbox.PriorityStatus, true);
        }

        private void Commit(int kind, int priority, bool retain)
        {
            bool keep = priority != Outbox.PriorityStatus && _config.AckTimeoutMs > 0;
            if (_writer.Overflowed || !_outbox.Enqueue(kind, priority, keep, BootNumber, retain, _writer.Buffer, _writer.Length))
            {
                Oversized++;
            }

            _undeliveredChanged = true;
            if (_ports.Statistics != null)
            {
                _ports.Statistics.DroppedResults = _outbox.DroppedOf(Outbox.PriorityResult);
                _ports.Statistics.DroppedEvents = _outbox.DroppedOf(Outbox.PriorityReply) + _outbox.DroppedOf(Outbox.PriorityEvent);
            }
        }

        private void Flush()
        {
            IMqttLink link = _ports.Link;
            long start = _ports.Platform.NowMs;
            bool connected = link.IsConnected;
            if (connected && !_wasConnected)
            {
                // The broker may have lost everything (restart without persistence): offer all again.
                _outbox.ResendAll();
                _statsSentId = 0;
            }

            _wasConnected = connected;
            int timeout = _config.AckTimeoutMs > 0 ? _config.AckTimeoutMs : int.MaxValue;
            int next = 0;
            for (int sent = 0; sent < MaxPublishPerStep && connected && InPublishBudget(start); sent++)
            {
                next = _outbox.NextToSend(next, start, timeout);
                if (next < 0 || !link.Publish(_topics.Outgoing(_outbox.KindAt(next)), _outbox.PayloadAt(next), _outbox.LengthAt(next), _outbox.RetainAt(next)))
                {
                    break;
                }

                if (!_outbox.MarkSent(next, _ports.Platform.NowMs))
                {
                    next++;
                }

                Published++;
            }

            FlushStats(start);
            PersistIfDue(_ports.Platform.NowMs);
        }

        private bool InPublishBudget(long start)
        {
            return _ports.Platform.NowMs - start < PublishBudgetMs;
        }
    }
}
