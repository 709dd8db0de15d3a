using System;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Device.Config
{
    /// <summary>
    /// Boot-time configuration: the parsed configuration file, or, when it is missing, unreadable or invalid, safe
    /// defaults so the device still verifies and runs its model. The fallback is every default of
    /// <see cref="DeviceConfigParser"/> with device id <see cref="FallbackDeviceId"/>, no Wi-Fi, a broker at
    /// localhost (nothing is published off the device) and a fleet key nobody holds (the caller's random bytes), so
    /// no model update can be accepted until a real configuration is written.
    /// </summary>
    public static class DeviceConfigLoader
    {
        /// <summary>Device id of the fallback configuration.</summary>
        public const string FallbackDeviceId = "unconfigured";

        /// <summary>Reads and parses a configuration file, falling back to safe defaults.</summary>
        /// <param name="storage">The drive holding the file.</param>
        /// <param name="name">File name.</param>
        /// <param name="fallbackFleetKey">At least 16 random bytes, the fleet key of the fallback.</param>
        /// <param name="problem">Null when the file was used; otherwise why the defaults are in use.</param>
        /// <returns>The configuration to run with; never null.</returns>
        public static DeviceConfig Load(IModelStorage storage, string name, byte[] fallbackFleetKey, out string problem)
        {
            try
            {
                if (!storage.Exists(name))
                {
                    problem = "configuration " + name + " is missing";
                    return Fallback(fallbackFleetKey);
                }

                DeviceConfig config = DeviceConfigParser.Parse(storage.Read(name));
                problem = null;
                return config;
            }
            catch (Exception e)
            {
                problem = "configuration " + name + " is unusable: " + e.Message;
                return Fallback(fallbackFleetKey);
            }
        }

        /// <summary>Builds the fallback configuration.</summary>
        /// <param name="fleetKey">At least 16 random bytes.</param>
        /// <returns>The defaults.</returns>
        public static DeviceConfig Fallback(byte[] fleetKey)
        {
            if (fleetKey == null || fleetKey.Length < 16)
            {
                throw new ArgumentException("the fallback fleet key needs at least 16 bytes");
            }

            return DeviceConfigParser.Parse(Utf8.Encode("{\"device_id\":\"" + FallbackDeviceId + "\",\"mqtt_host\":\"localhost\",\"fleet_key\":\"" + Hex.Encode(fleetKey) + "\"}"));
        }
    }
}
