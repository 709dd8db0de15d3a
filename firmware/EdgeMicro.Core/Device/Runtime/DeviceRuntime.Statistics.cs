using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>
    /// The device statistics (<see cref="DevicePorts.Statistics"/>): fed with every inference and label, a drift
    /// event when the Page-Hinkley test fires, and the binary <see cref="StatsFormat"/> report of the window published
    /// (QoS 1, retained) on <c>stats</c> after a pull: command <c>pull-stats</c>, every <c>stats_every_samples</c>
    /// samples, or a model switch. Reports are too large for the outbox; at most one waits for the link instead.
    /// </summary>
    public sealed partial class DeviceRuntime
    {
        private bool _statsWindowDue;

        /// <summary>Gets a value indicating whether a statistics report waits to be published.</summary>
        public bool StatsPending
        {
            get { return _ports.Statistics != null && _ports.Statistics.Pending != null; }
        }

        /// <summary>Serializes the statistics window for publication (as the command pull-stats does).</summary>
        /// <returns>True when a report was made (false without statistics or while one is still waiting).</returns>
        public bool RequestStatsPull()
        {
            return _ports.Statistics != null && _ports.Statistics.RequestPull();
        }

        private void StatsOnModel(ActiveModel model)
        {
            if (_ports.Statistics != null)
            {
                _ports.Statistics.SetModel(model);
            }
        }

        private void StatsOnInference(Classifier c, long now)
        {
            RuntimeStatistics s = _ports.Statistics;
            if (s == null)
            {
                return;
            }

            s.OnInference(_sample, c, SampleCount, now);
            if (s.TakeDriftAlarm())
            {
                Event(now, PayloadFields.EventDrift, -1, c.Model.ModelId, c.Model.ModelVersion, null, "mean confidence dropped");
            }

            if (_config.StatsEverySamples > 0 && SampleCount % (uint)_config.StatsEverySamples == 0)
            {
                // Closed after this step's label poll (CloseDueWindow), so a label for the window's last sample counts
                // in that window, not the next.
                _statsWindowDue = true;
            }
        }

        private void CloseDueWindow()
        {
            if (_statsWindowDue)
            {
                _statsWindowDue = false;
                _ports.Statistics.RequestPull();
            }
        }

        private void StatsOnLabel(int trueClass)
        {
            if (_ports.Statistics != null)
            {
                _ports.Statistics.OnLabel(SampleCount, trueClass, _lastPredicted);
            }
        }

        private void FlushStats(long flushStart)
        {
            RuntimeStatistics s = _ports.Statistics;
            if (s == null || s.Pending == null || _outbox.NextToSend(0, flushStart, _config.AckTimeoutMs > 0 ? _config.AckTimeoutMs : int.MaxValue) >= 0
                || !_ports.Link.IsConnected || !InPublishBudget(flushStart))
            {
                return;
            }

            if (s.PendingId == _statsSentId && flushStart - _statsSentAtMs < _config.AckTimeoutMs)
            {
                return;
            }

            byte[] report = s.Pending;
            if (_ports.Link.Publish(_topics.Outgoing(TopicLayout.Stats), report, s.PendingLength, true))
            {
                Published++;
                if (_config.AckTimeoutMs <= 0)
                {
                    s.MarkPublished();
                    return;
                }

                // Kept until the host acknowledges this window (OnAck), re-sent after the timeout or a reconnection.
                _statsSentId = s.PendingId;
                _statsSentAtMs = _ports.Platform.NowMs;
            }
        }
    }
}
