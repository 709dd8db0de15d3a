using System;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Device side of the serial link: answers one request frame with one response frame. Portable (firmware and the
    /// desktop virtual device run this same code). It serves the platform's running model (<see cref="IDevicePlatform.Model"/>),
    /// so a boot, MQTT update, rollback or upload is visible at the next request without copying state. A repeated request (same request id and CRC, i.e. a host retry
    /// after a lost response) gets the cached response again, so INFER, chunk and commit retries are idempotent.
    /// Not thread-safe: call from the one thread that owns the serial port.
    /// </summary>
    public sealed class RequestHandler
    {
        private readonly IDevicePlatform _platform;
        private readonly ModelReceiver _receiver = new ModelReceiver();
        private int _lastId = -1;
        private uint _lastCrc;
        private byte[] _lastResponse;
        private byte[] _statsSnapshot;
        private ActiveModel _served;
        private uint _servedCrc;

        /// <summary>Initializes a new instance of the <see cref="RequestHandler"/> class.</summary>
        /// <param name="platform">Device services.</param>
        public RequestHandler(IDevicePlatform platform)
        {
            _platform = platform;
        }

        /// <summary>Gets the classifier INFER runs (the platform model's own instance), or null.</summary>
        public Classifier ActiveClassifier
        {
            get { return Served() == null ? null : _served.Classifier; }
        }

        /// <summary>Gets the CRC-32 of the served model section (0 without a model).</summary>
        public uint ActiveModelCrc
        {
            get
            {
                Served();
                return _servedCrc;
            }
        }

        /// <summary>Gets how many models were activated through PUT_MODEL.</summary>
        public int UploadsActivated { get; private set; }

        /// <summary>Gets how many uploaded models were rejected.</summary>
        public int UploadsRejected { get; private set; }

        /// <summary>Handles a request.</summary>
        /// <param name="request">The decoded request.</param>
        /// <returns>The encoded response frame, or null when the frame needs no answer (e.g. a stray response).</returns>
        public byte[] Handle(Frame request)
        {
            if ((request.Type & MessageType.ResponseBit) != 0)
            {
                return null;
            }

            if (request.RequestId == _lastId && request.Crc == _lastCrc && _lastResponse != null)
            {
                return _lastResponse;
            }

            byte[] response;
            try
            {
                response = Dispatch(request);
            }
            catch (ModelFormatException e)
            {
                response = Fail(request, ErrorCode.BadRequest, e.Message);
            }
            catch (Exception e)
            {
                response = Fail(request, ErrorCode.DeviceFault, e.Message);
            }

            _lastId = request.RequestId;
            _lastCrc = request.Crc;
            _lastResponse = response;
            return response;
        }

        private byte[] Dispatch(Frame request)
        {
            int type = request.Type;
            if (type == MessageType.Hello)
            {
                return Reply(request, MessageType.Info, Info().ToBytes());
            }

            if (type == MessageType.Infer)
            {
                return Infer(request);
            }

            if (type == MessageType.GetStats)
            {
                return request.Payload.Length >= 4 ? StatsChunk(request) : Opaque(request, MessageType.Stats, _platform.GetStatistics(), "statistics");
            }

            if (type == MessageType.ResetStats)
            {
                return _platform.ResetStatistics() ? Reply(request, MessageType.Ack, Payloads.UInt32(0)) : Fail(request, ErrorCode.Unsupported, "statistics are not built into this firmware");
            }

            if (type == MessageType.GetSamples)
            {
                int max = (int)(Payloads.ReadUInt32(Pad(request.Payload), 0, "max samples") & 0xFFFF);
                return Opaque(request, MessageType.Samples, _platform.GetSamples(max), "sample buffer");
            }

            if (type == MessageType.PutModelBegin || type == MessageType.PutModelChunk || type == MessageType.PutModelCommit)
            {
                return Upload(request);
            }

            return Fail(request, ErrorCode.UnknownMessage, "unknown message type " + type.ToString());
        }

        private byte[] Infer(Frame request)
        {
            Classifier classifier = ActiveClassifier;
            if (classifier == null)
            {
                return Fail(request, ErrorCode.NoModel, "no model is active");
            }

            int[] sample = SamplePayload.Read(request.Payload);
            ModelDefinition model = classifier.Model;
            if (sample.Length != model.FeatureCount)
            {
                return Fail(request, ErrorCode.WrongInputSize, "model " + model.ModelId + " takes " + model.FeatureCount.ToString() + " features, got " + sample.Length.ToString());
            }

            long start = _platform.Ticks();
            classifier.Classify(sample);
            long ticks = _platform.Ticks() - start;
            int outputs = model.Layers[model.Layers.Length - 1].OutputLength;
            return Reply(request, MessageType.InferResult, InferenceReply.From(classifier, outputs, ticks).ToBytes());
        }

        private byte[] Upload(Frame request)
        {
            byte[] p = request.Payload;
            string error;
            if (request.Type == MessageType.PutModelBegin)
            {
                UpdateManifest manifest;
                try
                {
                    manifest = UpdateMessages.ReadManifest(p, ModelBlobFormat.MaxLength);
                }
                catch (Exception e)
                {
                    return Fail(request, ErrorCode.BadRequest, "PUT_MODEL begin needs a signed manifest: " + e.Message);
                }

                error = _receiver.Begin(manifest.Size, manifest.Crc32, p);
            }
            else if (request.Type == MessageType.PutModelChunk)
            {
                int offset = (int)(Payloads.ReadUInt32(p, 0, "chunk offset") & 0x7FFFFFFF);
                error = _receiver.Add(offset, p, 4, p.Length - 4);
            }
            else
            {
                error = _receiver.Commit();
                if (error != null)
                {
                    UploadsRejected++;
                    return Fail(request, ErrorCode.ModelRejected, error);
                }

                string refused = _platform.InstallModel(_receiver.CompleteBlob, _receiver.Manifest);
                if (refused != null)
                {
                    UploadsRejected++;
                    return Fail(request, ErrorCode.ModelRejected, "model rejected: " + refused);
                }

                UploadsActivated++;
                ModelDefinition m = Served().Model;
                return Reply(request, MessageType.ModelActivated, Payloads.ModelActivated(m.ModelId, m.ModelVersion, _servedCrc));
            }

            return error == null ? Reply(request, MessageType.Ack, Payloads.UInt32((uint)_receiver.Received)) : Fail(request, ErrorCode.UploadState, error);
        }

        /// <summary>
        /// GET_STATS with a u32 offset: a report larger than one frame is read in pieces. Offset 0 takes a new snapshot
        /// from the platform; later offsets read that snapshot. Response: u32 total length, then the bytes from offset.
        /// </summary>
        private byte[] StatsChunk(Frame request)
        {
            int offset = (int)(Payloads.ReadUInt32(request.Payload, 0, "stats offset") & 0x7FFFFFFF);
            if (offset == 0)
            {
                _statsSnapshot = _platform.GetStatistics();
            }

            byte[] data = _statsSnapshot;
            if (data == null)
            {
                return Fail(request, offset == 0 ? ErrorCode.Unsupported : ErrorCode.BadRequest, offset == 0 ? "statistics not built into this firmware" : "no statistics snapshot: read offset 0 first");
            }

            if (offset > data.Length)
            {
                return Fail(request, ErrorCode.BadRequest, "stats offset " + offset.ToString() + " beyond " + data.Length.ToString() + " bytes");
            }

            int count = data.Length - offset;
            count = count > FrameFormat.MaxPayload - 4 ? FrameFormat.MaxPayload - 4 : count;
            byte[] payload = new byte[4 + count];
            Array.Copy(Payloads.UInt32((uint)data.Length), payload, 4);
            Array.Copy(data, offset, payload, 4, count);
            return Reply(request, MessageType.Stats, payload);
        }

        private DeviceInfo Info()
        {
            DeviceInfo info = new DeviceInfo();
            info.DeviceId = _platform.DeviceId;
            info.FirmwareVersion = _platform.FirmwareVersion;
            info.ModelId = string.Empty;
            info.FreeMemory = _platform.FreeMemory();
            info.TicksPerSecond = _platform.TicksPerSecond;
            info.MaxPayload = FrameFormat.MaxPayload;
            ActiveModel model = Served();
            if (model != null)
            {
                ModelDefinition m = model.Model;
                info.ModelId = m.ModelId;
                info.ModelVersion = m.ModelVersion;
                info.ModelCrc = _servedCrc;
                info.FeatureCount = m.FeatureCount;
                info.ClassCount = m.ClassCount;
                info.OutputCount = m.Layers[m.Layers.Length - 1].OutputLength;
                info.InputFractionBits = m.InputFractionBits;
            }

            return info;
        }

        /// <summary>The platform's running model; its section CRC is computed once per model instance.</summary>
        private ActiveModel Served()
        {
            ActiveModel model = _platform.Model;
            if (model != _served)
            {
                _servedCrc = model == null ? 0 : (model.Model.Checksum != 0 ? model.Model.Checksum : ModelSerializer.Checksum(model.Model));
                _served = model;
            }

            return model;
        }

        private byte[] Opaque(Frame request, int type, byte[] data, string what)
        {
            if (data == null)
            {
                return Fail(request, ErrorCode.Unsupported, what + " not built into this firmware");
            }

            if (data.Length > FrameFormat.MaxPayload)
            {
                return Fail(request, ErrorCode.DeviceFault, what + " of " + data.Length.ToString() + " bytes exceeds one frame");
            }

            return Reply(request, type, data);
        }

        private static byte[] Pad(byte[] payload)
        {
            byte[] padded = new byte[4];
            Array.Copy(payload, padded, payload.Length < 4 ? payload.Length : 4);
            return padded;
        }

        private static byte[] Reply(Frame request, int type, byte[] payload)
        {
            return FrameEncoder.Encode(type, request.RequestId, payload);
        }

        private static byte[] Fail(Frame request, int code, string message)
        {
            if (message != null && message.Length > 400)
            {
                char[] chars = new char[400];
                for (int i = 0; i < chars.Length; i++)
                {
                    chars[i] = message[i];
                }

                message = new string(chars, 0, chars.Length);
            }

            return FrameEncoder.Encode(MessageType.Error, request.RequestId, Payloads.Error(code, message));
        }
    }
}
