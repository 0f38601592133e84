from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Assignment


@login_required
def dashboard(request):
    assignments = Assignment.objects.for_student(request.user).select_related("classroom")
    return render(request, "exercises/dashboard.html", {"assignments": assignments})


@login_required
def assignment(request, pk):
    assignment = get_object_or_404(Assignment.objects.for_student(request.user), pk=pk)
    return render(request, "exercises/assignment.html", {"assignment": assignment})
