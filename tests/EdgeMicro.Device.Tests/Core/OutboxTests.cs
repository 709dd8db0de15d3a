using EdgeMicro.Core.Device.Messaging;


namespace EdgeMicro.Device.Tests.Core;

public sealed class OutboxTests
{
    private static byte[] Payload(int n) => BitConverter.GetBytes(n);

    private const int Status = Outbox.PriorityStatus, Result = Outbox.PriorityResult, Reply = Outbox.PriorityReply, Event = Outbox.PriorityEvent;

    private static bool Add(Outbox box, int priority, int n, bool keep = true, long boot = 7) =>
        box.Enqueue(priority == Status ? TopicLayout.Status : TopicLayout.Results, priority, keep && priority != Status, boot, priority == Status, Payload(n), 4);

    private static List<int> Contents(Outbox box) => [.. Enumerable.Range(0, box.Count).Select(i => BitConverter.ToInt32(box.PayloadAt(i), 0))];

    [Fact]
    public void Enqueue_WhenFullOfResults_DropsTheOldestAndKeepsOrderAndSequences()
    {
        var box = new Outbox(3, 16);
        for (int i = 1; i <= 5; i++)
        {
            Assert.Equal((uint)i, box.NextSequence);
            Assert.True(Add(box, Result, i));
        }

        Assert.Equal(3, box.Count);
        Assert.Equal((2L, 2L), (box.Dropped, box.DroppedOf(Result)));
        Assert.Equal([(3u, 3), (4u, 4), (5u, 5)], Enumerable.Range(0, 3).Select(i => (box.SequenceAt(i), BitConverter.ToInt32(box.PayloadAt(i), 0))));
    }

    [Fact]
    public void Enqueue_WhenPayloadIsLargerThanASlot_RefusesWithoutUsingASequence()
    {
        var box = new Outbox(2, 4);

        Assert.False(box.Enqueue(TopicLayout.Events, Event, true, 1, false, new byte[5], 5));
        Assert.Equal(0, box.Count);
        Assert.Equal(1u, box.NextSequence);
    }

    [Fact]
    public void Enqueue_WhenFull_DropsStatusThenResultsThenRepliesAndBootEventsLast()
    {
        var box = new Outbox(4, 8);
        Add(box, Event, 1);
        Add(box, Result, 2);
        Add(box, Status, 3);
        Add(box, Reply, 4);

        Add(box, Result, 5);
        Assert.Equal([1, 2, 4, 5], Contents(box));
        Add(box, Event, 6);
        Assert.Equal([1, 4, 5, 6], Contents(box));
        Add(box, Event, 7);
        Add(box, Event, 8);
        Assert.Equal([1, 6, 7, 8], Contents(box));

        // Full of events: a new result is the lowest priority, so it is the one dropped.
        Add(box, Result, 9);
        Assert.Equal([1, 6, 7, 8], Contents(box));
        Assert.Equal((1L, 3L, 1L, 0L), (box.DroppedOf(Status), box.DroppedOf(Result), box.DroppedOf(Reply), box.DroppedOf(Event)));
        Assert.Equal(5L, box.Dropped);
    }

    [Fact]
    public void Acknowledge_WhenAckNamesARangeOfOneBoot_RemovesOnlyThoseKeptMessages()
    {
        var box = new Outbox(8, 8);
        for (int i = 1; i <= 5; i++)
        {
            Add(box, Result, i, boot: 7);
        }

        Add(box, Result, 6, boot: 8);
        Assert.Equal(3, box.Acknowledge(7, 2, 4));
        Assert.Equal([1, 5, 6], Contents(box));
        Assert.Equal(0, box.Acknowledge(9, 1, 10));
        Assert.Equal(1, box.Acknowledge(8, 6, 6));
        Assert.Equal([1, 5], Contents(box));
        Assert.Equal(4L, box.Acknowledged);
    }

    [Fact]
    public void NextToSend_WhenKeptMessagesAreSent_OffersThemAgainOnlyAfterTheTimeoutOrAResendAll()
    {
        var box = new Outbox(4, 8);
        Add(box, Status, 1);
        Add(box, Result, 2);
        Assert.Equal(0, box.NextToSend(0, 0, 1000));
        Assert.True(box.MarkSent(0, 0));
        Assert.Equal(0, box.NextToSend(0, 0, 1000));
        Assert.False(box.MarkSent(0, 100));
        Assert.Equal(-1, box.NextToSend(0, 1099, 1000));
        Assert.Equal(0, box.NextToSend(0, 1100, 1000));
        box.ResendAll();
        Assert.Equal(0, box.NextToSend(0, 200, 1000));
        Assert.False(box.MarkSent(0, 200));
        Assert.Equal(1L, box.Resent);
        Assert.Equal(1, box.Count);
    }

    [Fact]
    public void SerializeRestore_WhenRoundTripped_KeepsKeptMessagesWithBootAndSeqAndRejectsDamage()
    {
        var box = new Outbox(8, 8);
        Add(box, Event, 1, boot: 1L << 33);
        Add(box, Status, 2);
        Add(box, Result, 3, boot: 5);
        var storage = new EdgeMicro.Device.Tests.Support.MemoryStorage();
        Assert.True(box.WriteTo(storage, "outbox.bin"));
        byte[] saved = storage.Read("outbox.bin");

        var again = new Outbox(8, 8);
        Assert.Equal(2, again.Restore(saved));
        Assert.Equal([1, 3], Contents(again));
        Assert.Equal([(1L << 33, 1u), (5L, 2u)], Enumerable.Range(0, 2).Select(i => (again.BootAt(i), again.SequenceAt(i))));
        Assert.Equal(0, again.NextToSend(0, 0, 1000));

        saved[10] ^= 1;
        Assert.Equal(-1, new Outbox(8, 8).Restore(saved));
        Assert.False(new Outbox(2, 8).WriteTo(storage, "empty.bin"));
    }

    [Fact]
    public void Outbox_WhenRandomEnqueuesSendsAndAcksInterleave_MatchesASimpleModel()
    {
        var r = new Random(11);
        var box = new Outbox(6, 8);
        var model = new List<(int N, int Priority, uint Seq)>();
        uint next = 1;
        long dropped = 0;
        for (int step = 0; step < 3000; step++)
        {
            int op = r.Next(4);
            if (op < 2)
            {
                int priority = r.Next(4);
                uint seq = priority == Status ? 0 : next++;
                if (model.Count == 6)
                {
                    int lowest = model.Min(m => m.Priority);
                    dropped++;
                    if (priority < lowest)
                    {
                        Add(box, priority, step);
                        Assert.Equal(model.Select(m => m.N), Contents(box));
                        continue;
                    }

                    model.RemoveAt(model.FindIndex(m => m.Priority == lowest));
                }

                model.Add((step, priority, seq));
                Add(box, priority, step);
            }
            else if (op == 2 && box.NextToSend(0, step, 1_000_000) is int i and >= 0)
            {
                if (box.MarkSent(i, step))
                {
                    model.RemoveAt(i);
                }
            }
            else if (op == 3 && model.Count > 0)
            {
                uint from = (uint)r.Next(1, (int)next), to = from + (uint)r.Next(3);
                model.RemoveAll(m => m.Priority != Status && m.Seq >= from && m.Seq <= to);
                box.Acknowledge(7, from, to);
            }

            Assert.Equal(model.Select(m => m.N), Contents(box));
        }

        Assert.Equal(dropped, box.Dropped);
    }

    [Fact]
    public void TopicLayout_WhenBuilt_NamesEveryTopicUnderTheDevice()
    {
        var t = new TopicLayout("node-1");

        Assert.Equal("edgemicro/node-1/status", t.Outgoing(TopicLayout.Status));
        Assert.Equal("edgemicro/node-1/stats", t.Outgoing(TopicLayout.Stats));
        Assert.Equal("edgemicro/node-1/events", t.Outgoing(TopicLayout.Events));
        Assert.Equal("edgemicro/node-1/results", t.Outgoing(TopicLayout.Results));
        Assert.Equal("edgemicro/node-1/model/#", t.ModelFilter);
        Assert.Equal(TopicLayout.Command, t.Incoming("edgemicro/node-1/cmd"));
        Assert.Equal(TopicLayout.Chunk, t.Incoming("edgemicro/node-1/model/chunk"));
        Assert.Equal(TopicLayout.Manifest, t.Incoming("edgemicro/node-1/model/manifest"));
        Assert.Equal(TopicLayout.Commit, t.Incoming("edgemicro/node-1/model/commit"));
        Assert.Equal(-1, t.Incoming("edgemicro/node-2/cmd"));
    }
}
