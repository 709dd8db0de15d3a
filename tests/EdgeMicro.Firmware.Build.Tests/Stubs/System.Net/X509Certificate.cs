// Stub of nanoFramework.System.Net 1.11.60, assembly System.Net (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.Net, tag v1.11.60: nanoFramework.System.Net/X509Certificates/X509Certificate.cs.
// Only the type M2Mqtt's MqttClient constructor names.
namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate(byte[] certificate) => throw new NotImplementedException();
    }
}
