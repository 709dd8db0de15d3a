using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>The model the device runs, with its classifier and where it came from.</summary>
    public sealed class ActiveModel
    {
        /// <summary>Source: the weight table compiled into the firmware.</summary>
        public const int SourceCompiled = 0;

        /// <summary>Source: the active slot on the drive.</summary>
        public const int SourceActive = 1;

        /// <summary>Source: the previous slot (the active one was missing or invalid at boot).</summary>
        public const int SourcePrevious = 2;

        private static readonly string[] SourceNames = new string[] { "compiled", "active", "previous" };

        /// <summary>Initializes a new instance of the <see cref="ActiveModel"/> class.</summary>
        /// <param name="classifier">Classifier of the model.</param>
        /// <param name="source">A Source constant.</param>
        public ActiveModel(Classifier classifier, int source)
            : this(classifier, source, null)
        {
        }

        /// <summary>Initializes a new instance of the <see cref="ActiveModel"/> class with the blob it was loaded from.</summary>
        /// <param name="classifier">Classifier of the model.</param>
        /// <param name="source">A Source constant.</param>
        /// <param name="blob">The blob (reference bin edges for the statistics), or null (compiled-in weight table).</param>
        public ActiveModel(Classifier classifier, int source, ModelBlob blob)
        {
            Classifier = classifier;
            Source = source;
            Blob = blob;
        }

        /// <summary>Gets the model.</summary>
        public ModelDefinition Model
        {
            get { return Classifier.Model; }
        }

        /// <summary>Gets the classifier.</summary>
        public Classifier Classifier { get; private set; }

        /// <summary>Gets the blob the model was loaded from, or null.</summary>
        public ModelBlob Blob { get; private set; }

        /// <summary>Gets the source (a Source constant).</summary>
        public int Source { get; private set; }

        /// <summary>Gets the source as text.</summary>
        public string SourceName
        {
            get { return SourceNames[Source]; }
        }
    }
}
