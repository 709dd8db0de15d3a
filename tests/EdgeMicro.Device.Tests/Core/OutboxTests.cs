using EdgeMicro.Core.Device.Messaging;


namespace EdgeMicro.Device.Tests.Core;

public sealed class OutboxTests
{
    private static byte[] Payload(int n) => BitConverter.GetBytes(n);

    [Fact]
    public void Enqueue_WhenFull_DropsTheOldestAndKeepsOrderAndSequences()
    {
        var box = new Outbox(3, 16);
        for (int i = 1; i <= 5; i++)
        {
            Assert.Equal((uint)i, box.NextSequence);
            Assert.True(box.Enqueue(TopicLayout.Results, false, Payload(i), 4));
        }

        Assert.Equal(3, box.Count);
        Assert.Equal(2, box.Dropped);
        var seen = new List<(uint, int)>();
        while (box.Count > 0)
        {
            seen.Add((box.PeekSequence(), BitConverter.ToInt32(box.PeekPayload(), 0)));
            box.RemoveOldest();
        }

        Assert.Equal([(3u, 3), (4u, 4), (5u, 5)], seen);
    }

    [Fact]
    public void Enqueue_WhenPayloadIsLargerThanASlot_RefusesWithoutUsingASequence()
    {
        var box = new Outbox(2, 4);

        Assert.False(box.Enqueue(TopicLayout.Events, true, new byte[5], 5));
        Assert.Equal(0, box.Count);
        Assert.Equal(1u, box.NextSequence);
    }

    [Fact]
    public void Enqueue_WhenInterleavedWithRemovals_BehavesLikeABoundedQueue()
    {
        var r = new Random(11);
        var box = new Outbox(5, 8);
        var model = new Queue<int>();
        long dropped = 0;
        for (int step = 0; step < 2000; step++)
        {
            if (r.Next(3) > 0)
            {
                if (model.Count == 5)
                {
                    model.Dequeue();
                    dropped++;
                }

                model.Enqueue(step);
                box.Enqueue(step % 4, step % 2 == 0, Payload(step), 4);
            }
            else if (model.Count > 0)
            {
                int expected = model.Dequeue();
                Assert.Equal(expected, BitConverter.ToInt32(box.PeekPayload(), 0));
                Assert.Equal(expected % 4, box.PeekKind());
                Assert.Equal(expected % 2 == 0, box.PeekRetain());
                box.RemoveOldest();
            }

            Assert.Equal(model.Count, box.Count);
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
