using EdgeMicro.Core.Protocol;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.Serial;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>
/// Installs a model over the device's serial test link: HELLO for the device id, a PUT_MODEL whose manifest is signed
/// with the fleet key for that device (<see cref="UpdatePackage.SerialManifest"/>), chunks, commit; the device's
/// update gate checks signature, target, anti-rollback floor, size, CRC, blob hash and self-test before it
/// activates anything. Used by <c>flash model --serial --key</c> and <c>hil --key</c>.
/// </summary>
public static class SerialModelUpload
{
    /// <summary>Uploads <paramref name="model"/> and checks the device then reports it.</summary>
    /// <param name="client">Client on the test link.</param>
    /// <param name="model">The model.</param>
    /// <param name="fleetKey">The fleet key (<see cref="FleetKeyFile"/>).</param>
    /// <param name="progress">Called with (bytes sent, total), or null.</param>
    /// <returns>The device description after the upload.</returns>
    /// <exception cref="VerificationException">The device refused the model (it keeps its previous one).</exception>
    /// <exception cref="DeviceLinkException">The link failed (the device keeps its previous model).</exception>
    public static DeviceInfo Install(DeviceClient client, ModelFile model, byte[] fleetKey, Action<int, int>? progress = null)
    {
        DeviceInfo before = client.Hello();
        byte[] manifest = UpdatePackage.SerialManifest(model.Bytes, fleetKey, before.DeviceId);
        try
        {
            client.PutModel(model.Bytes, manifest, progress);
        }
        catch (DeviceErrorException e)
        {
            throw new VerificationException($"device {before.DeviceId} refused {model.Describe}: {e.Message}; it keeps {Describe(before)}");
        }

        DeviceInfo after = client.Hello();
        if (after.ModelId != model.ModelId || after.ModelVersion != model.ModelVersion || after.ModelCrc != model.ModelCrc)
        {
            throw new VerificationException($"device {after.DeviceId} accepted the upload of {model.Describe} but reports {Describe(after)}");
        }

        return after;
    }

    /// <summary>Tells whether the device reports exactly this model (id, version, model CRC).</summary>
    /// <param name="info">The device's HELLO.</param>
    /// <param name="model">The model.</param>
    /// <returns>True when it does.</returns>
    public static bool Runs(DeviceInfo info, ModelFile model) =>
        info.ModelId == model.ModelId && info.ModelVersion == model.ModelVersion && info.ModelCrc == model.ModelCrc;

    private static string Describe(DeviceInfo info) =>
        info.ModelId.Length == 0 ? "no model" : $"{info.ModelId} v{info.ModelVersion} (model CRC 0x{info.ModelCrc:X8})";
}
