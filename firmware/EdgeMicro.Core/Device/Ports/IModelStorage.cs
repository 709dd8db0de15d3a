namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>
    /// The files the device keeps on its internal drive (<c>I:\</c> on ESP32, a littlefs partition; a directory on
    /// the desktop). Names are plain file names without directories. Contract the update logic relies on (littlefs
    /// gives it): <see cref="Rename"/> and <see cref="Delete"/> are atomic; a write or append cut by power loss may
    /// leave a shorter file but never touches other files. Any failure throws.
    /// </summary>
    public interface IModelStorage
    {
        /// <summary>Tells whether a file exists.</summary>
        /// <param name="name">File name.</param>
        /// <returns>True when it exists.</returns>
        bool Exists(string name);

        /// <summary>Reads a whole file.</summary>
        /// <param name="name">File name.</param>
        /// <returns>Its bytes.</returns>
        byte[] Read(string name);

        /// <summary>Creates or replaces a file with the given bytes.</summary>
        /// <param name="name">File name.</param>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        void Write(string name, byte[] data, int offset, int count);

        /// <summary>Appends bytes to a file, creating it when missing.</summary>
        /// <param name="name">File name.</param>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        void Append(string name, byte[] data, int offset, int count);

        /// <summary>Deletes a file if it exists.</summary>
        /// <param name="name">File name.</param>
        void Delete(string name);

        /// <summary>Renames a file atomically; the target must not exist.</summary>
        /// <param name="from">Existing name.</param>
        /// <param name="to">New name.</param>
        void Rename(string from, string to);
    }
}
