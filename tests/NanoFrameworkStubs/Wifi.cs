// Mirrors nanoFramework.System.Device.Wifi 1.5.x (github.com/nanoframework/System.Device.Wifi): the WifiNetworkHelper
// of namespace nanoFramework.Networking and the WifiReconnectionKind enum of System.Device.Wifi.
using System;
using System.Device.Wifi;
using System.Threading;
using NanoFrameworkStubs;

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic,
        Manual,
    }
}

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        public static Exception HelperException => throw Stub.NotOnDesktop();

        public static bool ConnectDhcp(string ssid, string password, WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) => throw Stub.NotOnDesktop();
    }
}
