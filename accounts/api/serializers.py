from rest_framework import serializers


class MeOutputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    authenticated_by = serializers.ChoiceField(choices=["token", "session"])
    scopes = serializers.ListField(child=serializers.CharField(), allow_null=True)
    token_name = serializers.CharField(allow_null=True)
    token_expires_at = serializers.DateTimeField(allow_null=True)
