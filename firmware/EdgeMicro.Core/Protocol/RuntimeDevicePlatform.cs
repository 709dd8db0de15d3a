using System;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// The serial protocol's view of a running <see cref="DeviceRuntime"/>, shared by the firmware's COM2 adapter and
    /// the desktop virtual device: INFO and INFER serve the runtime's own model and classifier, GET_STATS /
    /// RESET_STATS / GET_SAMPLES use its <see cref="RuntimeStatistics"/>, and PUT_MODEL ends in
    /// <see cref="DeviceRuntime.InstallModel"/> (the one verification and atomic slot switch, as for an MQTT update).
    /// Clock and free memory come from the runtime's <see cref="IRuntimePlatform"/>. Call from the thread that runs
    /// <see cref="DeviceRuntime.Step"/>.
    /// </summary>
    public sealed class RuntimeDevicePlatform : IDevicePlatform
    {
        private readonly DeviceRuntime _runtime;
        private readonly RuntimeStatistics _statistics;
        private readonly IRuntimePlatform _platform;

        /// <summary>Initializes a new instance of the <see cref="RuntimeDevicePlatform"/> class.</summary>
        /// <param name="deviceId">Device id.</param>
        /// <param name="runtime">The runtime (booted before the first request).</param>
        /// <param name="statistics">The runtime's device statistics, or null when not built in.</param>
        /// <param name="platform">Clock and memory.</param>
        public RuntimeDevicePlatform(string deviceId, DeviceRuntime runtime, RuntimeStatistics statistics, IRuntimePlatform platform)
        {
            DeviceId = deviceId;
            _runtime = runtime;
            _statistics = statistics;
            _platform = platform;
        }

        /// <inheritdoc/>
        public string DeviceId { get; private set; }

        /// <inheritdoc/>
        public string FirmwareVersion
        {
            get { return DeviceRuntime.FirmwareVersion; }
        }

        /// <summary>Gets the tick frequency: ticks are the runtime clock's milliseconds.</summary>
        public uint TicksPerSecond
        {
            get { return 1000; }
        }

        /// <inheritdoc/>
        public ActiveModel Model
        {
            get { return _runtime.Model; }
        }

        /// <inheritdoc/>
        public long Ticks()
        {
            return _platform.NowMs;
        }

        /// <inheritdoc/>
        public int FreeMemory()
        {
            long free = _platform.FreeMemoryBytes;
            return free > int.MaxValue ? int.MaxValue : (int)free;
        }

        /// <inheritdoc/>
        public byte[] GetStatistics()
        {
            return _statistics == null ? null : _statistics.TakeReport();
        }

        /// <inheritdoc/>
        public bool ResetStatistics()
        {
            if (_statistics == null)
            {
                return false;
            }

            _statistics.Reset();
            return true;
        }

        /// <summary>Returns the newest buffered samples that fit one frame (at most <paramref name="maxCount"/>).</summary>
        /// <param name="maxCount">Largest number of samples.</param>
        /// <returns>A statistics report holding only samples, or null when statistics are not built in.</returns>
        public byte[] GetSamples(int maxCount)
        {
            DeviceStatistics current = _statistics == null ? null : _statistics.Current;
            if (current == null)
            {
                return null;
            }

            StatsReport report = current.CreateReport(DeviceId, false, true);
            BufferedSample[] all = report.Samples == null ? new BufferedSample[0] : report.Samples;
            for (int n = maxCount < all.Length ? maxCount : all.Length; n > 0; n--)
            {
                BufferedSample[] some = new BufferedSample[n];
                Array.Copy(all, some, n);
                report.Samples = some;
                byte[] bytes = StatsFormat.Write(report);
                if (bytes.Length <= FrameFormat.MaxPayload)
                {
                    return bytes;
                }
            }

            report.Samples = new BufferedSample[0];
            return StatsFormat.Write(report);
        }

        /// <inheritdoc/>
        public string InstallModel(byte[] blobBytes, byte[] manifest)
        {
            return _runtime.InstallModel(blobBytes, manifest);
        }
    }
}
