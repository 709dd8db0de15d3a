using System.IO;
using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// <see cref="IModelStorage"/> on the ESP32 internal drive (I:\, littlefs: rename and delete are atomic, which
    /// the model slot switch relies on). nanoFramework.System.IO.FileSystem: File.* and FileStream.
    /// </summary>
    public sealed class FileStorage : IModelStorage
    {
        private readonly string _root;

        /// <summary>Initializes a new instance of the <see cref="FileStorage"/> class.</summary>
        /// <param name="root">Drive root, e.g. "I:\\".</param>
        public FileStorage(string root)
        {
            _root = root;
        }

        /// <inheritdoc/>
        public bool Exists(string name)
        {
            return File.Exists(_root + name);
        }

        /// <inheritdoc/>
        public byte[] Read(string name)
        {
            return File.ReadAllBytes(_root + name);
        }

        /// <inheritdoc/>
        public void Write(string name, byte[] data, int offset, int count)
        {
            using (FileStream f = new FileStream(_root + name, FileMode.Create, FileAccess.Write))
            {
                f.Write(data, offset, count);
                f.Flush();
            }
        }

        /// <inheritdoc/>
        public void Append(string name, byte[] data, int offset, int count)
        {
            using (FileStream f = new FileStream(_root + name, FileMode.Append, FileAccess.Write))
            {
                f.Write(data, offset, count);
                f.Flush();
            }
        }

        /// <inheritdoc/>
        public void Delete(string name)
        {
            if (File.Exists(_root + name))
            {
                File.Delete(_root + name);
            }
        }

        /// <inheritdoc/>
        public void Rename(string from, string to)
        {
            File.Move(_root + from, _root + to);
        }
    }
}
