from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from funds.models import Fund
from organizations.access import access_for


@login_required
def home(request):
    access = access_for(request.user)
    return render(request, "portal/home.html", {
        "access": access,
        "organization": request.user.organization,
        "funds": Fund.objects.all(),
    })
