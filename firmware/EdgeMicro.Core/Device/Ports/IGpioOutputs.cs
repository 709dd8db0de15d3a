namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>Digital outputs (status LED, one output per decision class). Pins are opened by the adapter on first use.</summary>
    public interface IGpioOutputs
    {
        /// <summary>Drives a pin.</summary>
        /// <param name="pin">GPIO number.</param>
        /// <param name="high">True for high.</param>
        void Write(int pin, bool high);
    }
}
