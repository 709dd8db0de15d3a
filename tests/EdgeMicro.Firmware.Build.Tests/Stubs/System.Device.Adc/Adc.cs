// Stub of nanoFramework.System.Device.Adc 1.1.24, assembly System.Device.Adc (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.Device.Adc, tag v1.1.24: System.Device.Adc/AdcChannel.cs, AdcChannelBase.cs,
// AdcController.cs, AdcControllerBase.cs, AdcChannelMode.cs. Subset: the members the firmware uses and the abstract
// members the sealed AdcController must override.
namespace System.Device.Adc
{
    public enum AdcChannelMode
    {
        SingleEnded = 0,
        Differential,
    }

    public abstract class AdcChannelBase
    {
        internal AdcChannelBase()
        {
        }

        public AdcController Controller => throw new NotImplementedException();

        public abstract int ReadValue();

        public double ReadRatio() => throw new NotImplementedException();
    }

    public class AdcChannel : AdcChannelBase, IDisposable
    {
        internal AdcChannel()
        {
        }

        public override int ReadValue() => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }

    public abstract class AdcControllerBase
    {
        public abstract int ChannelCount { get; }

        public abstract AdcChannelMode ChannelMode { get; set; }

        public abstract int MaxValue { get; }

        public abstract int MinValue { get; }

        public abstract int ResolutionInBits { get; }

        public abstract bool IsChannelModeSupported(AdcChannelMode channelMode);

        public abstract AdcChannel OpenChannel(int channelNumber);
    }

    public sealed class AdcController : AdcControllerBase
    {
        public AdcController() => throw new NotImplementedException();

        public override int ChannelCount => throw new NotImplementedException();

        public override AdcChannelMode ChannelMode
        {
            get => throw new NotImplementedException();
            set => throw new NotImplementedException();
        }

        public override int MaxValue => throw new NotImplementedException();

        public override int MinValue => throw new NotImplementedException();

        public override int ResolutionInBits => throw new NotImplementedException();

        public override bool IsChannelModeSupported(AdcChannelMode channelMode) => throw new NotImplementedException();

        public override AdcChannel OpenChannel(int channelNumber) => throw new NotImplementedException();
    }
}
