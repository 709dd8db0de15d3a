// Stub of nanoFramework.System.Threading 1.1.52, assembly System.Threading (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.Threading, tag v1.1.52: System.Threading/CancellationToken.cs,
// CancellationTokenSource.cs (mscorlib 1.17.11 has no CancellationToken). Subset: the members the firmware uses.
namespace System.Threading
{
    public readonly struct CancellationToken
    {
        public bool IsCancellationRequested => throw new NotImplementedException();
    }

    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource() => throw new NotImplementedException();

        public CancellationTokenSource(int millisecondsDelay) => throw new NotImplementedException();

        public CancellationToken Token => throw new NotImplementedException();

        public void Cancel() => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }
}
