from django import forms


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form. It must not import allauth.account.forms
    (circular import)."""

    first_name = forms.CharField(max_length=150, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(max_length=150, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"}))

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
