using EdgeMicro.Core.Device.Messaging;


namespace EdgeMicro.Device.Tests.Core;

public sealed class MqttSessionTests
{
    [Fact]
    public void Reconnect_WhenAttemptsKeepFailing_DoublesTheBackoffUpToTheMaximumAndResetsAfterAConnect()
    {
        var s = new MqttSession(500);
        long now = 0;
        var delays = new List<long>();
        Assert.True(s.ShouldConnect(now));
        for (int i = 0; i < 10; i++)
        {
            s.OnConnectFailed(now);
            long wait = s.MillisecondsUntilConnect(now);
            Assert.False(s.ShouldConnect(now + wait - 1));
            now += wait;
            Assert.True(s.ShouldConnect(now));
            delays.Add(wait);
        }

        Assert.Equal([1000L, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000], delays);
        s.OnConnected();
        Assert.Equal(-1, s.MillisecondsUntilConnect(now));
        s.OnConnectionLost(now);
        Assert.Equal(MqttSession.InitialBackoffMs, s.MillisecondsUntilConnect(now));
    }

    [Fact]
    public void Replay_AfterEachConnect_ReturnsEverySubscriptionOnceInOrder()
    {
        var s = new MqttSession(500);
        Assert.False(s.Subscribe("a/cmd"));
        Assert.False(s.Subscribe("a/model/#"));
        Assert.False(s.Subscribe("a/cmd"));
        Assert.Null(s.NextReplay());

        for (int round = 0; round < 3; round++)
        {
            Assert.True(s.ShouldConnect(round * 100_000));
            s.OnConnected();
            Assert.Equal(round == 0 ? ["a/cmd", "a/model/#"] : ["a/cmd", "a/model/#", "a/late"], Drain(s));
            Assert.True(s.Subscribe("a/late"));
            s.OnConnectionLost(round * 100_000);
            Assert.Null(s.NextReplay());
        }

        Assert.Equal(3, s.SubscriptionCount);
    }

    [Fact]
    public void Publish_WhenThePubackArrivesBeforeThePublishIsRecorded_IsStillAcknowledged()
    {
        var s = Connected();
        s.OnPuback(7);
        Assert.True(s.OnPublishSent(7, 0));
        Assert.Equal(MqttSession.Acknowledged, s.PublishStatus(7, 0));
        Assert.True(s.OnPublishSent(8, 0));
        Assert.Equal(MqttSession.Pending, s.PublishStatus(8, 0));
    }

    [Fact]
    public void Publish_WhenTheConnectionDrops_FailsAtOnceAndFreesTheSlot()
    {
        var s = Connected();
        Assert.True(s.OnPublishSent(1, 0));
        s.OnConnectionLost(10);
        Assert.Equal(0, s.WaitMs(1, 10));
        Assert.Equal(MqttSession.Failed, s.PublishStatus(1, 10));
        Assert.False(s.CanPublish);
        Assert.True(s.ShouldConnect(10 + MqttSession.InitialBackoffMs));
        s.OnConnected();
        Assert.True(s.CanPublish);
    }

    [Fact]
    public void Constructor_WhenTheTimeoutExceedsTheDocumentedBound_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new MqttSession(MqttSession.MaxPublishBlockMs + 1));
    }

    /// <summary>
    /// Random interleavings of publishes, PUBACKs (early, in time, late, lost), clock steps and disconnects, against a
    /// model: a publish is acknowledged iff its PUBACK was recorded before the first status query at or after its
    /// deadline and before a disconnect; a wait never passes the deadline; slots never leak.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(42)]
    [InlineData(1234)]
    [InlineData(99991)]
    public void Publishes_WhenDrivenBySeededRandomEvents_MatchTheModelAndNeverWaitPastTheDeadline(int seed)
    {
        var rng = new Random(seed);
        int timeout = rng.Next(50, MqttSession.MaxPublishBlockMs + 1);
        var s = Connected(timeout);
        long now = 0;
        int nextId = 1;
        for (int round = 0; round < 2000; round++)
        {
            int id = nextId;
            nextId = nextId == ushort.MaxValue ? 1 : nextId + 1;
            int ackAt = rng.Next(4) switch { 0 => -1, 1 => 0, 2 => rng.Next(1, timeout), _ => rng.Next(timeout, 2 * timeout) };
            bool early = ackAt == 0 && rng.Next(2) == 0;
            long dropAt = rng.Next(20) == 0 ? rng.Next(0, timeout) : long.MaxValue;
            if (early)
            {
                s.OnPuback(id);
            }

            Assert.True(s.CanPublish, $"seed {seed} round {round}: slot leaked");
            long sent = now;
            Assert.True(s.OnPublishSent(id, sent));
            bool acked = early, dropped = false;
            int status;
            while (true)
            {
                // Events due since the last step happen in time order (a PUBACK at the drop instant comes first).
                bool ackDue = !acked && ackAt >= 0 && now - sent >= ackAt;
                bool dropDue = !dropped && now - sent >= dropAt;
                if (ackDue && (!dropDue || ackAt <= dropAt))
                {
                    s.OnPuback(id);
                    acked = true;
                }

                if (dropDue)
                {
                    s.OnConnectionLost(now);
                    dropped = true;
                }

                if (ackDue && !acked)
                {
                    s.OnPuback(id);
                    acked = true;
                }

                int wait = s.WaitMs(id, now);
                status = s.PublishStatus(id, now);
                if (status != MqttSession.Pending)
                {
                    break;
                }

                Assert.InRange(wait, 1, MqttSession.WaitSliceMs);
                Assert.True(now + wait <= sent + timeout, $"seed {seed}: waits past the deadline");
                now += rng.Next(1, wait + 1);
            }

            int expected = dropped && !(acked && ackAt >= 0 && ackAt <= dropAt) ? MqttSession.Failed : acked ? MqttSession.Acknowledged : MqttSession.TimedOut;
            Assert.True(expected == status, $"seed {seed} round {round}: ack at {ackAt} (early {early}), drop at {dropAt}, after {now - sent} ms: expected {expected}, got {status}");
            Assert.InRange(now - sent, 0, timeout);
            if (dropped)
            {
                now += s.MillisecondsUntilConnect(now);
                Assert.True(s.ShouldConnect(now));
                s.OnConnected();
            }

            // A PUBACK after the deadline belongs to an abandoned publish: it must not acknowledge the next one.
            if (ackAt >= timeout && !acked)
            {
                s.OnPuback(id);
            }
        }
    }

    private static MqttSession Connected(int timeout = 1000)
    {
        var s = new MqttSession(timeout);
        Assert.True(s.ShouldConnect(0));
        s.OnConnected();
        return s;
    }

    private static List<string> Drain(MqttSession s)
    {
        var all = new List<string>();
        for (string? f = s.NextReplay(); f != null; f = s.NextReplay())
        {
            all.Add(f);
        }

        return all;
    }
}
