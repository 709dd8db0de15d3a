using System.Text;
using EdgeMicro.Mqtt;
using EdgeMicro.Mqtt.Packets;
using Xunit.Sdk;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>
/// Seeded property tests: for random valid packets, decode(encode(p)) equals p and re-encodes to the same bytes.
/// A failure names its seed; set MQTT_PROPERTY_SEED=&lt;seed&gt; to replay only that case.
/// </summary>
public sealed class RoundTripPropertyTests
{
    private const int BaseSeed = 20_241_122;
    private const int Cases = 2_000;

    [Fact]
    public void EncodeDecode_WhenRandomPackets_IsIdentity()
    {
        foreach (int seed in Seeds())
        {
            var random = new Random(seed);
            MqttPacket packet = RandomPacket(random);
            try
            {
                byte[] bytes = MqttPacketWriter.Encode(packet);
                MqttPacket decoded = MqttPacketReader.Decode(bytes);
                Assert.Equal(Describe(packet), Describe(decoded));
                Assert.Equal(bytes, MqttPacketWriter.Encode(decoded));
            }
            catch (Exception ex)
            {
                throw new XunitException($"Round trip failed for seed {seed} (replay with MQTT_PROPERTY_SEED={seed}): {Describe(packet)}\n{ex}");
            }
        }
    }

    [Fact]
    public void TryDecode_WhenRandomPacketsConcatenatedAndSplit_DecodesSameSequence()
    {
        foreach (int seed in Seeds().Take(200))
        {
            var random = new Random(seed);
            MqttPacket[] packets = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomPacket(random))];
            byte[] stream = [.. packets.SelectMany(MqttPacketWriter.Encode)];
            var decoded = new List<MqttPacket>();
            int offset = 0;
            int available = 0;
            while (offset < stream.Length)
            {
                available = Math.Min(stream.Length, available + random.Next(1, 40));
                while (MqttPacketReader.TryDecode(stream.AsSpan(offset, available - offset), out MqttPacket? p, out int used))
                {
                    decoded.Add(p!);
                    offset += used;
                }
            }

            Assert.True(
                packets.Select(Describe).SequenceEqual(decoded.Select(Describe)),
                $"Incremental decoding differs for seed {seed} (replay with MQTT_PROPERTY_SEED={seed}).");
        }
    }

    internal static string Describe(MqttPacket packet) => packet switch
    {
        MqttConnectPacket p => $"CONNECT id={p.ClientId} clean={p.CleanSession} ka={p.KeepAliveSeconds} user={p.Username ?? "-"} " +
            $"pw={Hex(p.Password)} will={(p.Will is null ? "-" : $"{p.Will.Topic}|{Hex(p.Will.Payload)}|{p.Will.Qos}|{p.Will.Retain}")}",
        MqttPublishPacket p => $"PUBLISH {p.Topic} q={p.Qos} r={p.Retain} d={p.Dup} id={p.PacketId} {Hex(p.Payload)}",
        MqttSubscribePacket p => $"SUBSCRIBE {p.PacketId} {string.Join(",", p.Subscriptions.Select(s => $"{s.Filter}:{s.Qos}"))}",
        MqttSubAckPacket p => $"SUBACK {p.PacketId} {string.Join(",", p.ReturnCodes)}",
        MqttUnsubscribePacket p => $"UNSUBSCRIBE {p.PacketId} {string.Join(",", p.Filters)}",
        _ => packet.ToString(),
    };

    private static IEnumerable<int> Seeds()
    {
        string? replay = Environment.GetEnvironmentVariable("MQTT_PROPERTY_SEED");
        return replay is not null ? [int.Parse(replay, System.Globalization.CultureInfo.InvariantCulture)] : Enumerable.Range(BaseSeed, Cases);
    }

    private static MqttPacket RandomPacket(Random r)
    {
        ushort id = (ushort)r.Next(1, 65536);
        return r.Next(11) switch
        {
            0 => RandomConnect(r),
            1 => RandomConnAck(r),
            2 or 3 => RandomPublish(r, id),
            4 => new MqttPubAckPacket(id),
            5 => new MqttSubscribePacket(id, [.. Enumerable.Range(0, r.Next(1, 5)).Select(_ => new MqttTopicSubscription(RandomFilter(r), RandomQos(r)))]),
            6 => new MqttSubAckPacket(id, [.. Enumerable.Range(0, r.Next(1, 5)).Select(_ => (MqttSubscribeReturnCode)new byte[] { 0, 1, 2, 0x80 }[r.Next(4)])]),
            7 => new MqttUnsubscribePacket(id, [.. Enumerable.Range(0, r.Next(1, 5)).Select(_ => RandomFilter(r))]),
            8 => new MqttUnsubAckPacket(id),
            9 => r.Next(2) == 0 ? MqttPingReqPacket.Instance : MqttPingRespPacket.Instance,
            _ => MqttDisconnectPacket.Instance,
        };
    }

    private static MqttConnectPacket RandomConnect(Random r)
    {
        string? user = r.Next(2) == 0 ? null : RandomString(r, 0, 12);
        return new MqttConnectPacket
        {
            ClientId = RandomString(r, 0, 30),
            CleanSession = true,
            KeepAliveSeconds = (ushort)r.Next(65536),
            Username = user,
            Password = user is not null && r.Next(2) == 0 ? RandomBytes(r, 20) : null,
            Will = r.Next(2) == 0 ? null : new MqttWill(RandomTopic(r), RandomBytes(r, 50), RandomQos(r), r.Next(2) == 0),
        };
    }

    private static MqttConnAckPacket RandomConnAck(Random r)
    {
        // Section 3.2.2.2: Session Present is 0 whenever the return code is non-zero.
        var code = (MqttConnectReturnCode)r.Next(6);
        return new MqttConnAckPacket(code == MqttConnectReturnCode.Accepted && r.Next(2) == 0, code);
    }

    private static MqttPublishPacket RandomPublish(Random r, ushort id)
    {
        MqttQualityOfService qos = RandomQos(r);
        bool qos1 = qos == MqttQualityOfService.AtLeastOnce;

        // Mostly small payloads, sometimes large enough for 2- and 3-byte Remaining Lengths.
        int size = r.Next(10) switch { 0 => r.Next(100, 20_000), 1 => 0, _ => r.Next(0, 200) };
        return new MqttPublishPacket
        {
            Topic = RandomTopic(r), Payload = RandomBytes(r, size, exact: true), Qos = qos, Retain = r.Next(2) == 0,
            Dup = qos1 && r.Next(2) == 0, PacketId = qos1 ? id : (ushort)0,
        };
    }

    private static MqttQualityOfService RandomQos(Random r) => (MqttQualityOfService)r.Next(2);

    private static string RandomTopic(Random r) =>
        string.Join("/", Enumerable.Range(0, r.Next(1, 5)).Select(_ => RandomString(r, 0, 8))) is { Length: > 0 } t ? t : "t";

    private static string RandomFilter(Random r)
    {
        var levels = Enumerable.Range(0, r.Next(1, 5)).Select(_ => r.Next(4) == 0 ? "+" : RandomString(r, 0, 6)).ToList();
        if (r.Next(3) == 0)
        {
            levels.Add("#");
        }

        string filter = string.Join("/", levels);
        return filter.Length > 0 ? filter : "#";
    }

    private static string RandomString(Random r, int min, int max)
    {
        var sb = new StringBuilder();
        int length = r.Next(min, max + 1);
        for (int i = 0; i < length; i++)
        {
            switch (r.Next(10))
            {
                case 0: sb.Append((char)r.Next(0x80, 0x800)); break; // 2-byte UTF-8
                case 1: sb.Append((char)r.Next(0x800, 0xD800)); break; // 3-byte UTF-8
                case 2: sb.Append(char.ConvertFromUtf32(r.Next(0x10000, 0x10FFFF))); break; // surrogate pair, 4-byte UTF-8
                default: sb.Append("abcxyzABC019_-.$ "[r.Next(17)]); break;
            }
        }

        return sb.ToString();
    }

    private static byte[] RandomBytes(Random r, int max, bool exact = false)
    {
        byte[] bytes = new byte[exact ? max : r.Next(max + 1)];
        r.NextBytes(bytes);
        return bytes;
    }

    private static string Hex(byte[]? bytes) => bytes is null ? "-" : Convert.ToHexString(bytes);
}
