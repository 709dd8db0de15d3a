using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using EdgeMicro.Device.Serial;
using EdgeMicro.Device.Simulation;
using EdgeMicro.Serial;

namespace EdgeMicro.Device;

/// <summary>
/// One simulated sensor node running the firmware's <see cref="DeviceRuntime"/> (the same code as the ESP32 build)
/// on its own thread, with simulated hardware: <see cref="ReplaySensor"/>, <see cref="LoggingGpio"/>,
/// <see cref="DirectoryStorage"/> for I:\ and <see cref="MqttLink"/> to a real broker (or an <see cref="OfflineLink"/>
/// with <see cref="VirtualDeviceOptions.Offline"/>), optionally serving the framed serial protocol
/// (<see cref="SerialEndpoint"/>) from the same loop thread, as the firmware does.
/// </summary>
public sealed class VirtualDevice : IAsyncDisposable
{
    private readonly VirtualDeviceOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _booted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private Exception? _failure;
    private SerialEndpoint? _serial;

    /// <summary>Builds the device; <see cref="Start"/> boots it.</summary>
    /// <param name="options">Options.</param>
    /// <exception cref="EdgeMicro.Data.InputDataException">The compiled-in model or the replay file is invalid.</exception>
    public VirtualDevice(VirtualDeviceOptions options)
    {
        _options = options;
        ModelBlob blob;
        try
        {
            blob = ModelBlobReader.Read(options.CompiledModel);
        }
        catch (ModelFormatException e)
        {
            throw new EdgeMicro.Data.InputDataException("compiled-in model: " + e.Message);
        }

        ModelDefinition compiled = blob.Model;
        Statistics = options.Statistics ? new RuntimeStatistics(options.Config.DeviceId, options.Config.SampleBufferSlots, options.Config.SampleBufferReservoirSlots) : null;
        Platform = new DesktopPlatform(options.Config.DeviceId, options.Log);
        Sensor = new ReplaySensor(options.ReplayPath, compiled.ClassCount, options.Loop, options.LabelColumn, compiled.FeatureCount) { PressLabels = options.PressLabels };
        Gpio = new LoggingGpio(Platform.Log);
        Storage = new DirectoryStorage(options.StorageDirectory);
        Link = options.Offline ? null : new MqttLink(options.Config, options.PublishTimeout);
        var ports = new DevicePorts
        {
            Storage = Storage, Sensor = Sensor, Outputs = Gpio, Labels = Sensor, Link = (IMqttLink?)Link ?? new OfflineLink(), Platform = Platform,
            Statistics = Statistics,
        };
        Runtime = new DeviceRuntime(options.Config, ports, new ActiveModel(new Classifier(compiled), ActiveModel.SourceCompiled, blob));
    }

    /// <summary>Device id.</summary>
    public string DeviceId => _options.Config.DeviceId;

    /// <summary>Gets the device's configuration.</summary>
    public DeviceConfig Config => _options.Config;

    /// <summary>The firmware runtime (read its state from other threads only for reporting).</summary>
    public DeviceRuntime Runtime { get; }

    /// <summary>The device statistics of the running model (null when disabled in the options).</summary>
    public RuntimeStatistics? Statistics { get; }

    /// <summary>The replay sensor.</summary>
    public ReplaySensor Sensor { get; }

    /// <summary>The simulated GPIO.</summary>
    public LoggingGpio Gpio { get; }

    /// <summary>The simulated I:\ drive.</summary>
    public DirectoryStorage Storage { get; }

    /// <summary>The MQTT link, or null when <see cref="VirtualDeviceOptions.Offline"/>.</summary>
    public MqttLink? Link { get; }

    /// <summary>Clock and log.</summary>
    public DesktopPlatform Platform { get; }

    /// <summary>The serial protocol endpoint, or null without <see cref="VirtualDeviceOptions.SerialPort"/>.</summary>
    public SerialEndpoint? Serial => _serial;

    /// <summary>True once the loop has ended (finished, stopped or failed).</summary>
    public bool HasExited => _thread is { IsAlive: false };

    /// <summary>Starts the MQTT link and the firmware loop thread.</summary>
    /// <returns>A task that completes when the runtime has booted.</returns>
    /// <exception cref="EdgeMicro.Data.InputDataException">The serial port cannot be opened.</exception>
    public Task Start()
    {
        ISerialPort? port = _options.SerialConnection ?? (_options.SerialPort is { } path ? SystemSerialPort.Open(path) : null);
        if (port is not null)
        {
            _serial = new SerialEndpoint(port, Runtime, Statistics, DeviceId, Platform);
        }

        Link?.Start();
        _thread = new Thread(Loop) { IsBackground = true, Name = "device " + DeviceId };
        _thread.Start();
        return _booted.Task;
    }

    /// <summary>Waits for the loop to end (with <see cref="VirtualDeviceOptions.StopWhenDone"/>) or the token.</summary>
    /// <param name="cancellationToken">Stops waiting and the device.</param>
    /// <returns>A task.</returns>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration r = cancellationToken.Register(() => _stop.Cancel());
        while (_thread is { IsAlive: true })
        {
            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException($"device {DeviceId} failed: {_failure.Message}", _failure);
        }
    }

    /// <summary>Stops the loop and disconnects (graceful: DISCONNECT; otherwise the broker publishes the offline will).</summary>
    /// <param name="graceful">Send DISCONNECT.</param>
    /// <returns>A task.</returns>
    public async Task StopAsync(bool graceful = true)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _thread?.Join();
        if (_thread != null && _failure is null && _booted.Task.IsCompletedSuccessfully)
        {
            Runtime.Shutdown();
        }

        _serial?.Dispose();
        _serial = null;
        if (Link is not null)
        {
            await Link.CloseAsync(graceful).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(graceful: true).ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Loop()
    {
        try
        {
            var sleeper = new DesktopSleeper(_stop.Token, Platform.Log, _serial?.Received);
            Runtime.Boot();
            _booted.TrySetResult();
            bool finalPull = false;
            System.Diagnostics.Stopwatch? finishedAt = null;
            while (!_stop.IsCancellationRequested)
            {
                DeviceLoop.RunOnce(Runtime, sleeper, _options.Config.DeepSleep);
                _serial?.Pump();
                if (_options.StopWhenDone && Sensor.Finished)
                {
                    // The last window is reported before stopping, once the previous one is acknowledged (or, when no
                    // host acknowledges it within the ack timeout, it stays waiting and Shutdown saves it to I:).
                    finishedAt ??= System.Diagnostics.Stopwatch.StartNew();
                    if (!finalPull)
                    {
                        finalPull = Runtime.RequestStatsPull() || finishedAt.ElapsedMilliseconds > _options.Config.AckTimeoutMs;
                    }

                    // Published at least once; what the host has not acknowledged yet is saved to I: by Shutdown.
                    if (finalPull && Runtime.AllSent)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception e)
        {
            _failure = e;
            Platform.Log("firmware loop failed: " + e);
            _booted.TrySetException(e);
        }
    }
}
