/** Standard gRPC services every server answers: health checking and server reflection (v1 and v1alpha). */
export * as health from "./gen/grpc/health/v1/health_pb.js";
export * as reflectionV1 from "./gen/grpc/reflection/v1/reflection_pb.js";
export * as reflectionV1alpha from "./gen/grpc/reflection/v1alpha/reflection_pb.js";
export * as errorDetails from "./gen/google/rpc/error_details_pb.js";
