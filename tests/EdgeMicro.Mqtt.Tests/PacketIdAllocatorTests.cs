using EdgeMicro.Mqtt;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Packet identifier allocation (section 2.3.1).</summary>
public sealed class PacketIdAllocatorTests
{
    [Fact]
    public void Allocate_WhenAllIdsInUse_ThrowsExhaustedThenReusesReleasedId()
    {
        var ids = new MqttPacketIdAllocator();
        var seen = new HashSet<ushort>();
        for (int i = 0; i < ushort.MaxValue; i++)
        {
            Assert.True(seen.Add(ids.Allocate()));
        }

        Assert.DoesNotContain((ushort)0, seen);
        Assert.Equal(MqttErrorKind.PacketIdentifiersExhausted, Assert.Throws<MqttException>(() => ids.Allocate()).Kind);
        ids.Release(1234);
        Assert.Equal(1234, ids.Allocate());
    }

    [Fact]
    public void Allocate_WhenIdReleased_DoesNotReuseItImmediately()
    {
        var ids = new MqttPacketIdAllocator();
        ushort first = ids.Allocate();
        ids.Release(first);
        Assert.NotEqual(first, ids.Allocate());
        Assert.Equal(1, ids.InUseCount);
    }
}
