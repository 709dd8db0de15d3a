using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Update;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>Model installs from a local link (serial PUT_MODEL), through the same update gate as MQTT.</summary>
    public sealed partial class DeviceRuntime
    {
        /// <summary>Event detail of a model installed over the local link.</summary>
        public const string LocalInstallDetail = "local link";

        /// <summary>
        /// Verifies and activates a blob received over a local link with its signed manifest
        /// (<see cref="ModelUpdater.Install"/>: signature, target, anti-rollback, self-test, compatibility, atomic slot
        /// switch), publishes the accepted or rejected event and the new status. Call from the thread that runs
        /// <see cref="Step"/>.
        /// </summary>
        /// <param name="blob">Blob bytes.</param>
        /// <param name="manifest">Signed manifest bytes.</param>
        /// <returns>Null when activated, else the reason and detail of the rejection.</returns>
        public string InstallModel(byte[] blob, byte[] manifest)
        {
            long now = _ports.Platform.NowMs;
            if (_updater.Install(blob, manifest) == ModelUpdater.StatusAccepted)
            {
                ActiveModel model = _updater.Accepted;
                SetModel(model);
                Event(now, PayloadFields.EventAccepted, -1, model.Model.ModelId, model.Model.ModelVersion, null, LocalInstallDetail);
                Status(now);
                return null;
            }

            _ports.Platform.Log("local install rejected: " + _updater.Reason + ": " + _updater.Detail);
            Event(now, PayloadFields.EventRejected, -1, null, -1, _updater.Reason, _updater.Detail);
            return _updater.Reason + ": " + _updater.Detail;
        }
    }
}
