// Stub of nanoFramework.System.IO.Streams 1.1.96, assembly System.IO.Streams (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.IO.Streams, tag v1.1.96: System.IO.Streams/Stream.cs, SeekOrigin.cs.
// Subset: the abstract members a FileStream overrides, Dispose and Close.
namespace System.IO
{
    public enum SeekOrigin
    {
        Begin = 0,
        Current = 1,
        End = 2,
    }

    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        public abstract bool CanRead { get; }

        public abstract bool CanSeek { get; }

        public abstract bool CanWrite { get; }

        public abstract long Length { get; }

        public abstract long Position { get; set; }

        public virtual void Close() => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();

        protected virtual void Dispose(bool disposing) => throw new NotImplementedException();

        public abstract void Flush();

        public abstract int Read(byte[] buffer, int offset, int count);

        public abstract long Seek(long offset, SeekOrigin origin);

        public abstract void SetLength(long value);

        public abstract void Write(byte[] buffer, int offset, int count);
    }
}
