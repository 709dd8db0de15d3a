// Stub of nanoFramework.Runtime.Events 1.11.39 (compile-time only, never shipped; see ../README.md).
// Source: github.com/nanoframework/nanoFramework.Runtime.Events, tag v1.11.39, nanoFramework.Runtime.Events/BaseEvent.cs.
namespace nanoFramework.Runtime.Events
{
    public class BaseEvent
    {
        public ushort Source;

        public byte Message;
    }
}
