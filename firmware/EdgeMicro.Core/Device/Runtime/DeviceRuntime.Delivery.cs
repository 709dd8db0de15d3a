using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>
    /// End-to-end delivery: the host's acknowledgements (<see cref="DeviceCommands.Ack"/>) remove stored messages and
    /// the waiting statistics window; what is still unacknowledged is written to I: (<see cref="UndeliveredFile"/>,
    /// <see cref="PendingStatsFile"/>) at most every <c>persist_period_ms</c> while it changes, and at
    /// <see cref="Shutdown"/>, and restored (and re-sent) at the next boot.
    /// </summary>
    public sealed partial class DeviceRuntime
    {
        /// <summary>File on I: with the unacknowledged results, labels and events (<see cref="Outbox.WriteTo"/>).</summary>
        public const string UndeliveredFile = "outbox.bin";

        /// <summary>File on I: with the unacknowledged statistics report (<see cref="StatsFormat"/> bytes).</summary>
        public const string PendingStatsFile = "stats-pending.bin";

        /// <summary>File on I: with the window in progress at <see cref="Shutdown"/> when a report was still waiting.</summary>
        public const string WindowStatsFile = "stats-window.bin";

        private const string NewSuffix = ".new";

        private bool _wasConnected;
        private int _statsSentId;
        private long _statsSentAtMs;
        private bool _undeliveredChanged;
        private long _lastPersistMs;
        private byte[] _shutdownWindow;

        /// <summary>Gets the number of times the undelivered data was written to I:.</summary>
        public int PersistWrites { get; private set; }

        /// <summary>Gets a value indicating whether every message and the waiting statistics report were published at least once.</summary>
        public bool AllSent
        {
            get
            {
                RuntimeStatistics s = _ports.Statistics;
                return _outbox.NextToSend(0, 0, int.MaxValue) < 0 && (s == null || s.Pending == null || s.PendingId == _statsSentId);
            }
        }

        /// <summary>Writes the unacknowledged data to I: now (before a reset or deep sleep that loses RAM).</summary>
        public void Shutdown()
        {
            RuntimeStatistics s = _ports.Statistics;
            _shutdownWindow = s == null || _config.AckTimeoutMs <= 0 ? null : s.TakeWindowForShutdown();
            Persist(_ports.Platform.NowMs);
        }

        private void OnAck(FlatJson j)
        {
            long crc = j.GetNumber(DeviceCommands.FieldCrc, -1);
            if (crc >= 0)
            {
                RuntimeStatistics s = _ports.Statistics;
                byte[] report = s == null ? null : s.Pending;
                int length = s == null ? 0 : s.PendingLength;
                if (report != null && length >= 4 && TrailingCrc(report, length) == crc)
                {
                    s.MarkPublished();
                    _statsSentId = 0;
                    _undeliveredChanged = true;
                }

                return;
            }

            long boot = j.GetNumber(PayloadFields.Boot, -1);
            long from = j.GetNumber(DeviceCommands.FieldFrom, -1);
            long to = j.GetNumber(DeviceCommands.FieldTo, -1);
            if (boot >= 0 && from >= 1 && to >= from && _outbox.Acknowledge(boot, from, to) > 0)
            {
                _undeliveredChanged = true;
            }
        }

        private static long TrailingCrc(byte[] report, int n)
        {
            return (long)((uint)report[n - 4] | ((uint)report[n - 3] << 8) | ((uint)report[n - 2] << 16) | ((uint)report[n - 1] << 24));
        }

        private void PersistIfDue(long now)
        {
            if (_undeliveredChanged && _config.PersistPeriodMs > 0 && now - _lastPersistMs >= _config.PersistPeriodMs)
            {
                Persist(now);
            }
        }

        private void Persist(long now)
        {
            if (_config.AckTimeoutMs <= 0)
            {
                return;
            }

            _lastPersistMs = now;
            _undeliveredChanged = false;
            try
            {
                if (_outbox.WriteTo(_ports.Storage, UndeliveredFile + NewSuffix))
                {
                    Replace(UndeliveredFile);
                }
                else
                {
                    Delete(UndeliveredFile);
                }

                RuntimeStatistics s = _ports.Statistics;
                SaveReport(PendingStatsFile, s == null ? null : s.Pending, s == null ? 0 : s.PendingLength);
                SaveReport(WindowStatsFile, _shutdownWindow, _shutdownWindow == null ? 0 : _shutdownWindow.Length);
                PersistWrites++;
            }
            catch (System.Exception e)
            {
                _ports.Platform.Log("warning: cannot save undelivered messages: " + e.Message);
            }
        }

        private void SaveReport(string name, byte[] report, int length)
        {
            if (report != null)
            {
                _ports.Storage.Write(name + NewSuffix, report, 0, length);
                Replace(name);
            }
            else
            {
                Delete(name);
            }
        }

        private void Delete(string name)
        {
            if (_ports.Storage.Exists(name))
            {
                _ports.Storage.Delete(name);
            }
        }

        private void Replace(string name)
        {
            // Written aside first: a cut leaves the old file or the new one (restore tries both).
            Delete(name);
            _ports.Storage.Rename(name + NewSuffix, name);
        }

        private byte[] Load(string name)
        {
            if (_ports.Storage.Exists(name))
            {
                return _ports.Storage.Read(name);
            }

            return _ports.Storage.Exists(name + NewSuffix) ? _ports.Storage.Read(name + NewSuffix) : null;
        }

        private void RestoreReport(string name)
        {
            byte[] report = Load(name);
            if (report != null && _ports.Statistics != null && !_ports.Statistics.RestorePending(report))
            {
                _ports.Platform.Log("warning: " + name + " is damaged; ignored");
            }
        }

        private void RestoreUndelivered()
        {
            if (_config.AckTimeoutMs <= 0)
            {
                return;
            }

            try
            {
                byte[] outbox = Load(UndeliveredFile);
                int restored = outbox == null ? 0 : _outbox.Restore(outbox);
                if (restored < 0)
                {
                    _ports.Platform.Log("warning: " + UndeliveredFile + " is damaged; ignored");
                }

                RestoreReport(PendingStatsFile);
                RestoreReport(WindowStatsFile);
            }
            catch (System.Exception e)
            {
                _ports.Platform.Log("warning: cannot restore undelivered messages: " + e.Message);
            }
        }
    }
}
