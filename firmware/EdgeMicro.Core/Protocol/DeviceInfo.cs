using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Payload of <see cref="MessageType.Info"/>: string device id, string firmware version, string model id (empty
    /// when no model is active), u32 model version, u32 model CRC, u16 feature count, u16 class count, u16 output
    /// count, u16 input fraction bits, i32 free memory (bytes), u32 ticks per second, u16 largest frame payload.
    /// </summary>
    public sealed class DeviceInfo
    {
        /// <summary>Gets or sets the device id.</summary>
        public string DeviceId { get; set; }

        /// <summary>Gets or sets the firmware version.</summary>
        public string FirmwareVersion { get; set; }

        /// <summary>Gets or sets the active model id (empty when none).</summary>
        public string ModelId { get; set; }

        /// <summary>Gets or sets the active model version.</summary>
        public uint ModelVersion { get; set; }

        /// <summary>Gets or sets the CRC-32 of the active model section (the blob header's model CRC).</summary>
        public uint ModelCrc { get; set; }

        /// <summary>Gets or sets the number of raw features the model takes.</summary>
        public int FeatureCount { get; set; }

        /// <summary>Gets or sets the number of classes.</summary>
        public int ClassCount { get; set; }

        /// <summary>Gets or sets the number of int8 outputs of the last layer.</summary>
        public int OutputCount { get; set; }

        /// <summary>Gets or sets the fixed-point fraction bits of raw samples.</summary>
        public int InputFractionBits { get; set; }

        /// <summary>Gets or sets the free managed memory in bytes.</summary>
        public int FreeMemory { get; set; }

        /// <summary>Gets or sets the frequency of the tick counter used for inference timing.</summary>
        public uint TicksPerSecond { get; set; }

        /// <summary>Gets or sets the largest frame payload the device accepts.</summary>
        public int MaxPayload { get; set; }

        /// <summary>Encodes the payload.</summary>
        /// <returns>The bytes.</returns>
        public byte[] ToBytes()
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteString(DeviceId);
            w.WriteString(FirmwareVersion);
            w.WriteString(ModelId);
            w.WriteUInt32(ModelVersion);
            w.WriteUInt32(ModelCrc);
            w.WriteInt16(FeatureCount);
            w.WriteInt16(ClassCount);
            w.WriteInt16(OutputCount);
            w.WriteInt16(InputFractionBits);
            w.WriteInt32(FreeMemory);
            w.WriteUInt32(TicksPerSecond);
            w.WriteInt16(MaxPayload);
            return w.ToArray();
        }

        /// <summary>Decodes the payload.</summary>
        /// <param name="payload">The bytes.</param>
        /// <returns>The info.</returns>
        public static DeviceInfo Read(byte[] payload)
        {
            ByteReader r = new ByteReader(payload, 0, payload.Length);
            DeviceInfo info = new DeviceInfo();
            info.DeviceId = r.ReadString("device id");
            info.FirmwareVersion = r.ReadString("firmware version");
            info.ModelId = r.ReadString("model id");
            info.ModelVersion = r.ReadUInt32("model version");
            info.ModelCrc = r.ReadUInt32("model CRC");
            info.FeatureCount = r.ReadUInt16("feature count");
            info.ClassCount = r.ReadUInt16("class count");
            info.OutputCount = r.ReadUInt16("output count");
            info.InputFractionBits = r.ReadUInt16("input fraction bits");
            info.FreeMemory = r.ReadInt32("free memory");
            info.TicksPerSecond = r.ReadUInt32("ticks per second");
            info.MaxPayload = r.ReadUInt16("max payload");
            return info;
        }
    }
}
