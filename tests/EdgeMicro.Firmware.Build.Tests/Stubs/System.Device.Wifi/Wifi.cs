// Stub of nanoFramework.System.Device.Wifi 1.5.147, assembly System.Device.Wifi (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.Device.Wifi, tag v1.5.147: System.Device.Wifi/WifiReconnectionKind.cs,
// System.Device.Wifi/NetworkHelper/WifiNetworkHelper.cs (namespace nanoFramework.Networking). Subset: ConnectDhcp and
// HelperException.
using System.Device.Wifi;
using System.Threading;

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic = 0,
        Manual,
    }
}

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        public static System.Exception HelperException => throw new System.NotImplementedException();

        public static bool ConnectDhcp(string ssid, string password, WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) => throw new System.NotImplementedException();
    }
}
