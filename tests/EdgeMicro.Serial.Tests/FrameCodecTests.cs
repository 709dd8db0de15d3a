using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial.Tests;

public sealed class FrameCodecTests
{
    [Fact]
    public void Encode_WhenGivenAHelloRequest_ProducesTheDocumentedBytes()
    {
        byte[] frame = FrameEncoder.Encode(MessageType.Hello, 0x1234, null);

        byte[] header = [0xA5, 0x5A, 0x01, 0x01, 0x34, 0x12, 0x00, 0x00];
        byte check = (byte)(Crc32.Compute(header, 2, 6) & 0xFF);
        uint crc = Crc32.Compute([0x01, 0x01, 0x34, 0x12, 0x00, 0x00, check]);
        byte[] expected = [.. header, check, .. BitConverter.GetBytes(crc)];
        Assert.Equal(expected, frame);
        Assert.Equal(FrameFormat.Overhead, frame.Length);
    }

    [Fact]
    public void Encode_WhenGivenAPayload_PlacesLengthPayloadAndCrcLittleEndian()
    {
        byte[] frame = FrameEncoder.Encode(0x02, 0xBEEF, [0x10, 0x20, 0x30]);

        Assert.Equal("A55A0102EFBE0300", Convert.ToHexString(frame, 0, 8));
        Assert.Equal(FrameEncoder.HeaderCheck(frame, 0), frame[8]);
        Assert.Equal("102030", Convert.ToHexString(frame, 9, 3));
        Assert.Equal(Crc32.Compute(frame, 2, 10), BitConverter.ToUInt32(frame, 12));
    }

    [Fact]
    public void Decoder_WhenFedSeededRandomFramesInRandomPieces_ReturnsEachFrameIntact()
    {
        var random = new Random(5);
        var sent = new List<(int Type, int Id, byte[] Payload)>();
        var stream = new List<byte>();
        for (int i = 0; i < 300; i++)
        {
            byte[] payload = new byte[random.Next(0, i % 10 == 0 ? FrameFormat.MaxPayload + 1 : 64)];
            random.NextBytes(payload);
            int type = random.Next(256), id = random.Next(65536);
            sent.Add((type, id, payload));
            stream.AddRange(FrameEncoder.Encode(type, id, payload));
        }

        List<Frame> received = DecodeInPieces(stream.ToArray(), random);

        Assert.Equal(sent.Count, received.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Type, received[i].Type);
            Assert.Equal(sent[i].Id, received[i].RequestId);
            Assert.Equal(sent[i].Payload, received[i].Payload);
        }
    }

    [Fact]
    public void Decoder_WhenFramesAreSurroundedByGarbage_ResynchronizesAndFindsEveryFrame()
    {
        var random = new Random(7);
        var stream = new List<byte>();
        var expected = new List<int>();
        for (int i = 0; i < 200; i++)
        {
            byte[] garbage = new byte[random.Next(0, 40)];
            random.NextBytes(garbage);
            if (random.Next(4) == 0 && garbage.Length > 2)
            {
                garbage[0] = FrameFormat.Sync0;
                garbage[1] = FrameFormat.Sync1; // fake sync inside garbage
            }

            stream.AddRange(garbage);
            expected.Add(i);
            stream.AddRange(FrameEncoder.Encode(MessageType.Infer, i, BitConverter.GetBytes(i * 7919)));
        }

        // A trailing complete frame flushes any fake header that swallowed bytes of a real frame.
        List<Frame> received = DecodeInPieces(stream.ToArray(), random);

        Assert.Equal(expected, received.Select(f => f.RequestId).Where(id => id < 200).Distinct());
    }

    [Fact]
    public void Decoder_WhenAnyByteOfAFrameIsCorrupted_RejectsItAndDecodesTheNextFrame()
    {
        byte[] first = FrameEncoder.Encode(MessageType.Infer, 1, [1, 2, 3, 4, 5, 6]);
        byte[] second = FrameEncoder.Encode(MessageType.Hello, 2, null);
        for (int position = 0; position < first.Length; position++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] bad = (byte[])first.Clone();
                bad[position] ^= (byte)(1 << bit);
                var decoder = new FrameDecoder();
                decoder.Feed([.. bad, .. second], 0, bad.Length + second.Length);

                Frame? frame = decoder.Next();

                Assert.NotNull(frame);
                Assert.Equal(2, frame!.RequestId);
                Assert.Null(decoder.Next());
            }
        }
    }

    [Fact]
    public void Decoder_WhenFedSeededRandomNoise_NeverThrowsAndBuffersAtMostOneFrame()
    {
        var random = new Random(11);
        var decoder = new FrameDecoder();
        byte[] noise = new byte[200_000];
        random.NextBytes(noise);
        for (int i = 0; i < noise.Length; i += 97)
        {
            noise[i] = FrameFormat.Sync0;
            noise[i + 1] = FrameFormat.Sync1; // many fake frame starts
        }

        int offset = 0;
        while (offset < noise.Length)
        {
            offset += decoder.Feed(noise, offset, Math.Min(1500, noise.Length - offset));
            while (decoder.Next() != null)
            {
            }

            Assert.True(decoder.Pending <= FrameFormat.MaxFrame);
        }

        byte[] real = FrameEncoder.Encode(MessageType.GetStats, 42, null);
        byte[] flush = new byte[FrameFormat.MaxFrame];
        decoder.Feed(real, 0, real.Length);
        Frame? found = null;
        for (Frame? f = decoder.Next(); f != null; f = decoder.Next())
        {
            found ??= f.RequestId == 42 ? f : null;
        }

        decoder.Feed(flush, 0, flush.Length);
        for (Frame? f = decoder.Next(); f != null; f = decoder.Next())
        {
            found ??= f.RequestId == 42 ? f : null;
        }

        Assert.NotNull(found);
        Assert.True(decoder.RejectedFrames > 0);
    }

    [Fact]
    public void Encode_WhenThePayloadExceedsTheMaximum_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => FrameEncoder.Encode(1, 1, new byte[FrameFormat.MaxPayload + 1]));
    }

    [Fact]
    public void Payloads_WhenRoundTripped_KeepEveryField()
    {
        var info = new DeviceInfo
        {
            DeviceId = "esp32-ä1", FirmwareVersion = "1.2.3", ModelId = "digits", ModelVersion = 7, ModelCrc = 0xDEADBEEF,
            FeatureCount = 64, ClassCount = 10, OutputCount = 10, InputFractionBits = 12, FreeMemory = 81234, TicksPerSecond = 10_000_000, MaxPayload = 1024,
        };
        DeviceInfo back = DeviceInfo.Read(info.ToBytes());
        Assert.Equivalent(info, back);

        var reply = new InferenceReply { PredictedClass = 3, RunnerUpClass = 9, ConfidenceQ15 = 30000, MarginQ15 = -5, Ticks = 0x1_2345_6789, Outputs = [-128, 0, 127, -1] };
        Assert.Equivalent(reply, InferenceReply.Read(reply.ToBytes()));

        int[] sample = [int.MinValue, -1, 0, 1, int.MaxValue];
        Assert.Equal(sample, SamplePayload.Read(SamplePayload.Encode(sample)));
        Assert.Equal(ErrorCode.ModelRejected, Payloads.ErrorCodeOf(Payloads.Error(ErrorCode.ModelRejected, "bad")));
        Assert.Equal("bad", Payloads.ErrorMessageOf(Payloads.Error(ErrorCode.ModelRejected, "bad")));
    }

    private static List<Frame> DecodeInPieces(byte[] stream, Random random)
    {
        var decoder = new FrameDecoder();
        var frames = new List<Frame>();
        int offset = 0;
        while (offset < stream.Length)
        {
            int n = Math.Min(random.Next(1, 300), stream.Length - offset);
            offset += decoder.Feed(stream, offset, n);
            for (Frame? f = decoder.Next(); f != null; f = decoder.Next())
            {
                frames.Add(f);
            }
        }

        return frames;
    }
}
