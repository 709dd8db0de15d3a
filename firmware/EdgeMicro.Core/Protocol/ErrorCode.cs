namespace EdgeMicro.Core.Protocol
{
    /// <summary>Error codes carried by <see cref="MessageType.Error"/> responses.</summary>
    public static class ErrorCode
    {
        /// <summary>The message type is not known to this firmware.</summary>
        public const int UnknownMessage = 1;

        /// <summary>The request payload is malformed.</summary>
        public const int BadRequest = 2;

        /// <summary>The device has no active model.</summary>
        public const int NoModel = 3;

        /// <summary>The input vector does not match the model's feature count.</summary>
        public const int WrongInputSize = 4;

        /// <summary>A model chunk arrived without an upload in progress or at the wrong offset.</summary>
        public const int UploadState = 5;

        /// <summary>The uploaded model failed verification (size, CRC, format or self-test); it was not activated.</summary>
        public const int ModelRejected = 6;

        /// <summary>The feature is not available on this device (e.g. statistics not built in).</summary>
        public const int Unsupported = 7;

        /// <summary>The device failed while handling the request.</summary>
        public const int DeviceFault = 8;
    }
}
