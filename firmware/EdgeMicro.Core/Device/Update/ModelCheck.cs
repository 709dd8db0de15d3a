using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// Decides whether a blob may run on this device: it parses (<see cref="ModelBlobReader"/>: size, magic, CRCs,
    /// model validation), fits the sensor's feature count, carries self-test vectors, and a fresh classifier
    /// reproduces every one of them bit for bit (<see cref="SelfTest"/>). Used for updates, rollback and boot.
    /// </summary>
    public static class ModelCheck
    {
        /// <summary>Loads and verifies a blob.</summary>
        /// <param name="data">Blob bytes.</param>
        /// <param name="requiredFeatures">Feature count of the sensor, or 0 for any.</param>
        /// <param name="source">Source recorded in the result.</param>
        /// <param name="reason">On failure, an <see cref="UpdateReasons"/> code.</param>
        /// <param name="detail">On failure, what exactly.</param>
        /// <returns>The model, or null.</returns>
        public static ActiveModel Load(byte[] data, int requiredFeatures, int source, out string reason, out string detail)
        {
            reason = null;
            detail = null;
            ModelBlob blob;
            Classifier classifier;
            try
            {
                blob = ModelBlobReader.Read(data);
                classifier = new Classifier(blob.Model);
            }
            catch (System.Exception e)
            {
                reason = UpdateReasons.InvalidBlob;
                detail = e.Message;
                return null;
            }

            if (requiredFeatures > 0 && blob.Model.FeatureCount != requiredFeatures)
            {
                reason = UpdateReasons.Incompatible;
                detail = "model takes " + blob.Model.FeatureCount.ToString() + " features, the sensor gives " + requiredFeatures.ToString();
                return null;
            }

            if (blob.SelfTestCount == 0)
            {
                reason = UpdateReasons.SelfTest;
                detail = "blob has no self-test vectors";
                return null;
            }

            string failure = SelfTest.Run(blob, classifier);
            if (failure != null)
            {
                reason = UpdateReasons.SelfTest;
                detail = failure;
                return null;
            }

            return new ActiveModel(classifier, source, blob);
        }
    }
}
