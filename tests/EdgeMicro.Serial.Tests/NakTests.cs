using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial.Tests;

/// <summary>Negative acknowledgement: the NAK frame's bytes, which rejections the decoder reports, and the device's
/// <see cref="SerialServer"/> answering bad and truncated frames with NAKs.</summary>
public sealed class NakTests
{
    [Fact]
    public void NakFrame_WhenNamingARequest_ProducesTheDocumentedBytes()
    {
        byte[] frame = NakReason.Frame(0x1234, NakReason.BadCrc);

        byte[] header = [0xA5, 0x5A, 0x01, 0xFD, 0x34, 0x12, 0x01, 0x00];
        byte check = (byte)(Crc32.Compute(header, 2, 6) & 0xFF);
        uint crc = Crc32.Compute([0x01, 0xFD, 0x34, 0x12, 0x01, 0x00, check, 0x01]);
        Assert.Equal([.. header, check, 0x01, .. BitConverter.GetBytes(crc)], frame);
        Assert.Equal(0, NakReason.Frame(FrameDecoder.UnknownId, NakReason.BadHeader)[4]);
    }

    [Fact]
    public void Decoder_WhenAPayloadByteIsCorrupted_ReportsTheRequestIdThenDecodesTheNextFrame()
    {
        byte[] bad = FrameEncoder.Encode(MessageType.Infer, 0x0102, [1, 2, 3, 4]);
        bad[10] ^= 0x08;
        byte[] good = FrameEncoder.Encode(MessageType.Hello, 7, null);
        var decoder = new FrameDecoder();
        decoder.Feed([.. bad, .. good], 0, bad.Length + good.Length);

        Assert.Null(decoder.NextOrRejection());
        Assert.Equal((0x0102, NakReason.BadCrc), (decoder.Rejection, decoder.RejectionReason));
        Frame? next = decoder.Next();
        Assert.Equal(7, next?.RequestId);
        Assert.Null(decoder.NextOrRejection());
        Assert.Equal(FrameDecoder.NoRejection, decoder.Rejection);
    }

    [Fact]
    public void Decoder_WhenTheHeaderIsCorrupted_ReportsAnUnknownId()
    {
        byte[] bad = FrameEncoder.Encode(MessageType.Infer, 0x0102, [1, 2, 3, 4]);
        bad[6] ^= 0x01; // length

        var decoder = new FrameDecoder();
        decoder.Feed(bad, 0, bad.Length);

        Assert.Null(decoder.NextOrRejection());
        Assert.Equal((FrameDecoder.UnknownId, NakReason.BadHeader), (decoder.Rejection, decoder.RejectionReason));
    }

    [Fact]
    public void Decoder_WhenAFrameLostAByte_AbandonReportsItsIdAsIncomplete()
    {
        byte[] frame = FrameEncoder.Encode(MessageType.Infer, 0x0BCD, [1, 2, 3, 4]);
        var decoder = new FrameDecoder();
        decoder.Feed([.. frame[..10], .. frame[11..]], 0, frame.Length - 1);
        Assert.Null(decoder.NextOrRejection());
        Assert.Equal(FrameDecoder.NoRejection, decoder.Rejection);

        Assert.True(decoder.Abandon());

        Assert.Equal((0x0BCD, NakReason.Incomplete), (decoder.Rejection, decoder.RejectionReason));
        Assert.Null(decoder.Next());
        Assert.False(decoder.Abandon());
    }

    [Fact]
    public void Server_WhenARequestArrivesCorrupted_AnswersWithANakNamingItsId()
    {
        var (server, sink) = NewServer();
        byte[] bad = FrameEncoder.Encode(MessageType.Hello, 0x4321, null);
        bad[^1] ^= 0x80;

        server.Process(bad, 0, bad.Length, sink);

        Assert.Equal(NakReason.Frame(0x4321, NakReason.BadCrc), sink.Bytes.ToArray());
        Assert.Equal(1, server.NaksSent);
    }

    [Fact]
    public void Server_WhenARequestStopsArriving_NaksItOnlyAfterTheSilence()
    {
        var (server, sink) = NewServer();
        byte[] frame = FrameEncoder.Encode(MessageType.Hello, 0x0042, [9, 9]);

        server.Process(frame, 0, frame.Length - 1, sink);
        server.Tick(1000, sink);
        server.Tick(1000 + FrameFormat.IncompleteFrameMs - 1, sink);
        Assert.Empty(sink.Bytes);
        server.Tick(1000 + FrameFormat.IncompleteFrameMs, sink);

        Assert.Equal(NakReason.Frame(0x0042, NakReason.Incomplete), sink.Bytes.ToArray());
    }

    private static (SerialServer Server, Sink Sink) NewServer() =>
        (new SerialServer(new RequestHandler(new NoDevice())), new Sink());

    private sealed class Sink : IByteSink
    {
        public List<byte> Bytes { get; } = [];

        public void Write(byte[] data, int offset, int count) => Bytes.AddRange(data.AsSpan(offset, count).ToArray());
    }

    /// <summary>A platform without a model: the NAK path never reaches it.</summary>
    private sealed class NoDevice : IDevicePlatform
    {
        public string DeviceId => "nak-test";

        public string FirmwareVersion => "0";

        public uint TicksPerSecond => 1000;

        public EdgeMicro.Core.Device.Update.ActiveModel? Model => null;

        public long Ticks() => 0;

        public int FreeMemory() => 0;

        public byte[]? GetStatistics() => null;

        public bool ResetStatistics() => false;

        public byte[]? GetSamples(int maxCount) => null;

        public string? InstallModel(byte[] blobBytes, byte[] manifest) => "not here";
    }
}
