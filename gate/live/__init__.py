"""Read-only audit of deployed Cognito: live pools read with boto3, mapped into the inputs
pulumi-aws v7 would send for the same resources, and judged by the same policy pack over the same
gRPC protocol as the offline gate (`python -m gate audit`)."""
