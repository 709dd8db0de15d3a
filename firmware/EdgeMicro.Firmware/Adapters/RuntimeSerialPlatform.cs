using System;
using EdgeMicro.Core.Device;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// The serial request handler's view of the running firmware: INFER runs the runtime's model (kept in step by
    /// <see cref="Sync"/>), GET_STATS / RESET_STATS / GET_SAMPLES use the <see cref="RuntimeStatistics"/>, and PUT_MODEL
    /// ends in <see cref="DeviceRuntime.InstallModel"/>, the same verification and slot switch as an MQTT update.
    /// </summary>
    public sealed class RuntimeSerialPlatform : IDevicePlatform
    {
        private readonly DeviceRuntime _runtime;
        private readonly RuntimeStatistics _statistics;
        private readonly EspPlatform _platform;
        private ActiveModel _served;

        /// <summary>Initializes a new instance of the <see cref="RuntimeSerialPlatform"/> class.</summary>
        /// <param name="deviceId">Device id.</param>
        /// <param name="runtime">The runtime.</param>
        /// <param name="statistics">Device statistics, or null.</param>
        /// <param name="platform">Clock and memory.</param>
        public RuntimeSerialPlatform(string deviceId, DeviceRuntime runtime, RuntimeStatistics statistics, EspPlatform platform)
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

        /// <inheritdoc/>
        public uint TicksPerSecond
        {
            get { return (uint)TimeSpan.TicksPerSecond; }
        }

        /// <inheritdoc/>
        public long Ticks()
        {
            return DateTime.UtcNow.Ticks;
        }

        /// <inheritdoc/>
        public int FreeMemory()
        {
            long free = _platform.FreeMemoryBytes;
            return free > int.MaxValue ? int.MaxValue : (int)free;
        }

        /// <summary>Lets the handler serve the model the runtime runs now (boot, update, rollback, upload).</summary>
        /// <param name="handler">The request handler.</param>
        public void Sync(RequestHandler handler)
        {
            ActiveModel model = _runtime.Model;
            if (model != null && (model != _served || handler.ActiveClassifier != model.Classifier))
            {
                ModelBlob blob = model.Blob;
                if (blob == null)
                {
                    blob = new ModelBlob();
                    blob.Model = model.Model;
                }

                handler.Activate(blob, model.Classifier);
                _served = model;
            }
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

        /// <inheritdoc/>
        public byte[] GetSamples(int maxCount)
        {
            DeviceStatistics current = _statistics == null ? null : _statistics.Current;
            if (current == null)
            {
                return null;
            }

            StatsReport report = current.CreateReport(DeviceId, false, true);
            BufferedSample[] all = report.Samples;
            for (int n = maxCount < all.Length ? maxCount : all.Length; n >= 0; n--)
            {
                BufferedSample[] some = new BufferedSample[n];
                Array.Copy(all, some, n);
                report.Samples = some;
                byte[] bytes = StatsFormat.Write(report);
                if (bytes.Length <= FrameFormat.MaxPayload || n == 0)
                {
                    return bytes;
                }
            }

            return null;
        }

        /// <inheritdoc/>
        public string StoreModel(byte[] blobBytes, ModelBlob blob)
        {
            return _runtime.InstallModel(blobBytes);
        }
    }
}
