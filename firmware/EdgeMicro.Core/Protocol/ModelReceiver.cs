using System;
using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Receives a model blob in chunks (PUT_MODEL) and checks the transfer: declared size, chunks in order, CRC-32 of
    /// the whole blob. It does not parse the blob: <see cref="Commit"/> hands complete bytes to the device's update
    /// gate (<see cref="IDevicePlatform.InstallModel"/>: parse, compatibility, self-test, slot switch), so an upload is
    /// verified once and builds one classifier. A failed upload leaves the active model untouched.
    /// </summary>
    public sealed class ModelReceiver
    {
        private byte[] _data;
        private int _received;
        private uint _crc;

        /// <summary>Gets a value indicating whether an upload is in progress.</summary>
        public bool Active
        {
            get { return _data != null; }
        }

        /// <summary>Gets the bytes received so far.</summary>
        public int Received
        {
            get { return _received; }
        }

        /// <summary>Gets the received blob after a successful <see cref="Commit"/> (complete, declared CRC).</summary>
        public byte[] CompleteBlob { get; private set; }

        /// <summary>Gets the signed manifest of the upload (the PUT_MODEL begin payload).</summary>
        public byte[] Manifest { get; private set; }

        /// <summary>Starts an upload, discarding any unfinished one.</summary>
        /// <param name="size">Blob size in bytes.</param>
        /// <param name="crc">CRC-32 of the whole blob.</param>
        /// <param name="manifest">The signed manifest bytes, handed to the update gate at commit.</param>
        /// <returns>Null, or why the upload cannot start.</returns>
        public string Begin(int size, uint crc, byte[] manifest)
        {
            _data = null;
            _received = 0;
            Manifest = manifest;
            if (size < ModelBlobFormat.HeaderLength + 4 || size > ModelBlobFormat.MaxLength)
            {
                return "model size " + size.ToString() + " outside " + (ModelBlobFormat.HeaderLength + 4).ToString() + ".." + ModelBlobFormat.MaxLength.ToString();
            }

            _data = new byte[size];
            _crc = crc;
            return null;
        }

        /// <summary>Adds a chunk. A chunk that was already received (a retry) is accepted and ignored.</summary>
        /// <param name="offset">Offset of the chunk in the blob.</param>
        /// <param name="data">Source bytes.</param>
        /// <param name="start">First chunk byte in <paramref name="data"/>.</param>
        /// <param name="count">Chunk length.</param>
        /// <returns>Null, or why the chunk was refused.</returns>
        public string Add(int offset, byte[] data, int start, int count)
        {
            if (_data == null)
            {
                return "no model upload in progress";
            }

            if (offset < 0 || count < 0 || offset > _data.Length - count)
            {
                return "chunk at " + offset.ToString() + " (+" + count.ToString() + ") is outside the " + _data.Length.ToString() + "-byte model";
            }

            if (offset + count <= _received)
            {
                return null;
            }

            if (offset != _received)
            {
                return "chunk at " + offset.ToString() + " but " + _received.ToString() + " bytes received";
            }

            Array.Copy(data, start, _data, offset, count);
            _received += count;
            return null;
        }

        /// <summary>Ends the upload; on success <see cref="CompleteBlob"/> holds the bytes for the update gate.</summary>
        /// <returns>Null when the blob arrived complete with the declared CRC, else why not.</returns>
        public string Commit()
        {
            byte[] data = _data;
            int received = _received;
            _data = null;
            _received = 0;
            CompleteBlob = null;
            if (data == null)
            {
                return "no model upload in progress";
            }

            if (received != data.Length)
            {
                return "model incomplete: " + received.ToString() + " of " + data.Length.ToString() + " bytes";
            }

            uint crc = Crc32.Compute(data);
            if (crc != _crc)
            {
                return "model CRC 0x" + crc.ToString("X8") + " differs from the declared 0x" + _crc.ToString("X8");
            }

            CompleteBlob = data;
            return null;
        }
    }
}
