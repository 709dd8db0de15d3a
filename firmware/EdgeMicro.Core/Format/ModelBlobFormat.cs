namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// Layout of the <c>.emm</c> model blob, version 1 (little-endian):
    /// <code>
    /// 0   4  magic "EMMB"
    /// 4   2  format version (1)
    /// 6   2  header length (24)
    /// 8   4  model version
    /// 12  4  total length in bytes, CRC included
    /// 16  4  CRC-32 of the model section payload (equals the weight table's Checksum)
    /// 20  2  section count
    /// 22  2  flags: bit 0 (<see cref="FlagInt8Dense"/>) = Dense layers keep their int8 rows unpacked; other bits 0
    /// 24  sections: u16 id, u16 reserved (0), u32 payload length, payload, zero padding to 4 bytes
    /// end-4  CRC-32 of every preceding byte
    /// </code>
    /// Sections: 1 model (<see cref="ModelSerializer"/>), 2 self-test (u16 count, u16 feature count, then per vector
    /// i32[featureCount] sample, i32 class, i32 confidence Q15, i32 margin Q15, u16 output count, sbyte outputs),
    /// 3 feature bins (u16 feature count, u16 edges per feature, i32 edges). Unknown section ids are skipped, so a
    /// newer writer can add sections; a higher format version is rejected.
    /// </summary>
    public static class ModelBlobFormat
    {
        /// <summary>Format version written and understood.</summary>
        public const int Version = 1;

        /// <summary>Header length in bytes.</summary>
        public const int HeaderLength = 24;

        /// <summary>Largest blob accepted (the ESP32 I: drive is 256 KiB on 4 MB boards).</summary>
        public const int MaxLength = 1 << 20;

        /// <summary>Header flag: the model's Dense layers keep their int8 rows as the kernels' form (converted with
        /// <c>--weights int8</c>), so a device loading the blob holds no packed copy of them.</summary>
        public const int FlagInt8Dense = 1;

        /// <summary>Model section id.</summary>
        public const int SectionModel = 1;

        /// <summary>Self-test section id.</summary>
        public const int SectionSelfTest = 2;

        /// <summary>Feature bins section id.</summary>
        public const int SectionFeatureBins = 3;

        /// <summary>Largest number of self-test vectors.</summary>
        public const int MaxSelfTests = 64;

        /// <summary>Magic bytes.</summary>
        public static readonly byte[] Magic = new byte[] { (byte)'E', (byte)'M', (byte)'M', (byte)'B' };
    }
}
