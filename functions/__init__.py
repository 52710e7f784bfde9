"""The platform's own Cognito Lambda triggers, deployed by ``components/functions.py``.

Each module with a ``handler`` is one Lambda entry point (``functions.<module>.handler``); the
package ships as it is, with only the Lambda runtime's standard library and boto3 to lean on.
"""
