using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>
    /// The firmware's logic, identical on the ESP32 and in the desktop virtual device: boot (boot counter, model
    /// slot selection, subscriptions), then <see cref="Step"/> repeatedly: handle received commands and update
    /// messages, sample -> classify -> class outputs -> device statistics -> result message when due, labels,
    /// periodic status and statistics, and flushing the outbox in order while connected. Single-threaded; the
    /// per-sample path allocates nothing (classifier, payload writer and outbox slots are preallocated).
    /// </summary>
    public sealed partial class DeviceRuntime
    {
        /// <summary>Firmware version reported in status.</summary>
        public const string FirmwareVersion = "1.0.0";

        /// <summary>Largest outgoing payload.</summary>
        public const int MaxPayloadBytes = 384;

        /// <summary>
        /// Publishing time budget of one <see cref="Step"/>: the outbox flush starts no publish once this much time
        /// has passed since the flush began (the rest stays queued for the next step).
        /// </summary>
        public const int PublishBudgetMs = 1000;

        /// <summary>
        /// Longest time one <see cref="Step"/> spends publishing: the budget, plus one publish started just before it
        /// ran out, which the link bounds by <see cref="MqttSession.MaxPublishBlockMs"/> (<see cref="IMqttLink.Publish"/>).
        /// </summary>
        public const int MaxStepPublishMs = PublishBudgetMs + MqttSession.MaxPublishBlockMs;

        /// <summary>Most messages published in one <see cref="Step"/>.</summary>
        public const int MaxPublishPerStep = 32;

        private const int MaxInboundPerStep = 64;

        private readonly DeviceConfig _config;
        private readonly DevicePorts _ports;
        private readonly ActiveModel _compiled;
        private readonly TopicLayout _topics;
        private readonly ModelSlots _slots;
        private readonly PayloadWriter _writer = new PayloadWriter(MaxPayloadBytes);
        private readonly Outbox _outbox;
        private ModelUpdater _updater;
        private ActiveModel _model;
        private int[] _sample;
        private long _nextSampleMs;
        private long _nextStatusMs;
        private bool _sampleRequested;
        private int _outputClass = -1;
        private int _ledState = -1;
        private int _lastPredicted = -1;
        private bool _haveSample;

        /// <summary>Initializes a new instance of the <see cref="DeviceRuntime"/> class.</summary>
        /// <param name="config">Configuration.</param>
        /// <param name="ports">Hardware adapters.</param>
        /// <param name="compiled">The model compiled into the firmware (last-resort fallback).</param>
        public DeviceRuntime(DeviceConfig config, DevicePorts ports, ActiveModel compiled)
        {
            _config = config;
            _ports = ports;
            _compiled = compiled;
            _topics = new TopicLayout(config.DeviceId);
            _slots = new ModelSlots(ports.Storage);
            _outbox = new Outbox(config.OutboxCapacity, MaxPayloadBytes);
            PeriodMs = config.SamplePeriodMs;
        }

        /// <summary>Gets the running model.</summary>
        public ActiveModel Model
        {
            get { return _model; }
        }

        /// <summary>Gets this boot's number.</summary>
        public long BootNumber { get; private set; }

        /// <summary>Gets the number of samples classified since boot.</summary>
        public uint SampleCount { get; private set; }

        /// <summary>Gets the number of failed sensor reads.</summary>
        public int SensorFailures { get; private set; }

        /// <summary>Gets the number of messages published.</summary>
        public long Published { get; private set; }

        /// <summary>Gets the number of payloads that did not fit <see cref="MaxPayloadBytes"/> (not sent).</summary>
        public int Oversized { get; private set; }

        /// <summary>Gets the sampling period in milliseconds (command set-period changes it).</summary>
        public int PeriodMs { get; private set; }

        /// <summary>Gets the outbox.</summary>
        public Outbox Outbox
        {
            get { return _outbox; }
        }

        /// <summary>Gets the topics.</summary>
        public TopicLayout Topics
        {
            get { return _topics; }
        }

        /// <summary>Gets a value indicating whether nothing is pending (outbox empty, no update being received; kept messages wait for the host's acknowledgement).</summary>
        public bool CanDeepSleep
        {
            get { return _outbox.Count == 0 && !_updater.InProgress && !StatsPending; }
        }

        /// <summary>Boots: boot counter, model selection, subscriptions, boot event and status.</summary>
        public void Boot()
        {
            IRuntimePlatform p = _ports.Platform;
            BootNumber = BootCounter.Next(_ports.Storage, p);
            if (_ports.Statistics != null)
            {
                _ports.Statistics.Boot = BootNumber;
            }

            int features = _ports.Sensor.FeatureCount;
            if (_compiled.Model.FeatureCount != features)
            {
                p.Log("warning: compiled-in model takes " + _compiled.Model.FeatureCount.ToString() + " features, sensor gives " + features.ToString());
            }

            SetModel(_slots.SelectAtBoot(_compiled, features, p));
            _updater = new ModelUpdater(_slots, _config.FleetKey, ModelBlobFormat.MaxLength, features, _config.DeviceId, _model);
            for (int i = 0; i < _config.ClassPins.Length; i++)
            {
                if (_config.ClassPins[i] >= 0)
                {
                    _ports.Outputs.Write(_config.ClassPins[i], false);
                }
            }

            RestoreUndelivered();
            _ports.Link.Subscribe(_topics.CommandFilter);
            _ports.Link.Subscribe(_topics.ModelFilter);
            long now = p.NowMs;
            Event(now, PayloadFields.EventBoot, -1, _model.Model.ModelId, _model.Model.ModelVersion, null, _model.SourceName);
            Status(now);
            _nextSampleMs = now;
        }

        /// <summary>
        /// Runs one scheduler iteration. Publishing takes at most <see cref="MaxStepPublishMs"/> of it (at most
        /// <see cref="MaxPublishPerStep"/> messages, none started after <see cref="PublishBudgetMs"/>).
        /// </summary>
        public void Step()
        {
            long now = _ports.Platform.NowMs;
            for (int i = 0; i < MaxInboundPerStep; i++)
            {
                MqttInbound m = _ports.Link.Receive();
                if (m == null)
                {
                    break;
                }

                HandleInbound(m, now);
            }

            if (_sampleRequested || now >= _nextSampleMs)
            {
                _sampleRequested = false;
                _nextSampleMs = now + PeriodMs;
                SampleOnce(now);
            }

            if (_ports.Labels != null && _haveSample)
            {
                int label = _ports.Labels.Poll(now);
                if (label >= 0)
                {
                    OnLabel(now, label);
                }
            }

            CloseDueWindow();

            if (now >= _nextStatusMs)
            {
                Status(now);
            }

            SetLed(_ports.Link.IsConnected);
            Flush();
        }

        /// <summary>Gets the milliseconds until the next sample is due (0 when due now).</summary>
        /// <returns>Milliseconds.</returns>
        public int MillisecondsUntilDue()
        {
            long due = _nextSampleMs - _ports.Platform.NowMs;
            return _sampleRequested || due <= 0 ? 0 : (due > int.MaxValue ? int.MaxValue : (int)due);
        }

        private void SampleOnce(long now)
        {
            Classifier c = _model.Classifier;
            if (!_ports.Sensor.Read(_sample, c.Model.InputFractionBits))
            {
                SensorFailures++;
                return;
            }

            c.Classify(_sample);
            SampleCount++;
            _haveSample = true;
            _lastPredicted = c.PredictedClass;
            DriveOutputs(c);
            StatsOnInference(c, now);

            Payloads.Result(_writer, BootNumber, _outbox.NextSequence, now, SampleCount, c);
            Commit(TopicLayout.Results, Outbox.PriorityResult, false);
        }

        private void OnLabel(long now, int trueClass)
        {
            StatsOnLabel(trueClass);

            Payloads.Label(_writer, BootNumber, _outbox.NextSequence, now, SampleCount, trueClass, _lastPredicted);
            Commit(TopicLayout.Results, Outbox.PriorityResult, false);
        }

        private void DriveOutputs(Classifier c)
        {
            int wanted = c.ConfidenceQ15 >= _config.MinConfidenceQ15 ? c.PredictedClass : -1;
            if (wanted == _outputClass)
            {
                return;
            }

            int[] pins = _config.ClassPins;
            if (_outputClass >= 0 && _outputClass < pins.Length && pins[_outputClass] >= 0)
            {
                _ports.Outputs.Write(pins[_outputClass], false);
            }

            if (wanted >= 0 && wanted < pins.Length && pins[wanted] >= 0)
            {
                _ports.Outputs.Write(pins[wanted], true);
            }

            _outputClass = wanted;
        }

        private void SetLed(bool on)
        {
            int state = on ? 1 : 0;
            if (_config.StatusLedPin >= 0 && state != _ledState)
            {
                _ports.Outputs.Write(_config.StatusLedPin, on);
                _ledState = state;
            }
        }

        private void SetModel(ActiveModel model)
        {
            _model = model;
            if (_sample == null || _sample.Length != model.Model.FeatureCount)
            {
                _sample = new int[model.Model.FeatureCount];
            }

            StatsOnModel(model);
            _ports.Platform.Log("model " + model.Model.ModelId + " v" + model.Model.ModelVersion.ToString() + " from " + model.SourceName);
        }
    }
}
