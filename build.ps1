#!/usr/bin/env pwsh
# Bootstraps and runs the build (build/_build.csproj), like build.sh:
#  - uses dotnet from PATH when it has the SDK global.json asks for, else installs that SDK into .nuke/temp/dotnet;
#  - compiles the build project only when its inputs (build/, the src/ projects it references, props,
#    global.json) changed;
#  - runs the compiled dll directly, so a warm run pays no MSBuild. Each input hash compiles into its own
#    folder, so a recompile never overwrites the dll of a build that is still running.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Temp = Join-Path $Root '.nuke/temp'
$Bins = Join-Path $Temp 'build-bin'
$DotnetPathFile = Join-Path $Temp 'dotnet-path'

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
$env:DOTNET_GENERATE_ASPNET_CERTIFICATE = 'false'

# The folders of build/_build.csproj and of every project it references, transitively.
function Get-BuildProjectDirectories {
    $queue = [Collections.Generic.Queue[string]]::new()
    $queue.Enqueue((Join-Path $Root 'build/_build.csproj'))
    $seen = [Collections.Generic.List[string]]::new()
    while ($queue.Count -gt 0) {
        $project = [IO.Path]::GetFullPath($queue.Dequeue())
        $dir = Split-Path $project -Parent
        if ($seen.Contains($dir)) { continue }
        $seen.Add($dir)
        foreach ($reference in ([xml](Get-Content $project -Raw)).SelectNodes('//ProjectReference')) {
            $queue.Enqueue((Join-Path $dir ($reference.Include -replace '\\', '/')))
        }
    }
    return $seen
}

function Get-InputsHash {
    $extensions = '.cs', '.csproj', '.json', '.props', '.targets'
    $files = @(Get-ChildItem -Path (Get-BuildProjectDirectories) -Recurse -File |
        Where-Object { $extensions -contains $_.Extension -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } |
        Sort-Object FullName)
    $files += 'global.json', 'Directory.Build.props', 'Directory.Packages.props' | ForEach-Object { Get-Item (Join-Path $Root $_) }
    $lines = $files | ForEach-Object { (Get-FileHash $_.FullName -Algorithm SHA256).Hash + ' ' + $_.FullName.Substring($Root.Length) }
    $bytes = [Text.Encoding]::UTF8.GetBytes(($lines -join "`n"))
    return [BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($bytes)).Replace('-', '')
}

function Test-Sdk([string] $exe) {
    Push-Location $Root
    try { & $exe --version *> $null; return $LASTEXITCODE -eq 0 } catch { return $false } finally { Pop-Location }
}

function Resolve-Dotnet {
    $onPath = Get-Command dotnet -ErrorAction SilentlyContinue
    if ($onPath -and (Test-Sdk $onPath.Source)) { return $onPath.Source }
    $exeName = if ($IsWindows -or $env:OS -eq 'Windows_NT') { 'dotnet.exe' } else { 'dotnet' }
    $local = Join-Path $Temp "dotnet/$exeName"
    if (-not ((Test-Path $local) -and (Test-Sdk $local))) {
        [Console]::Error.WriteLine("Installing the .NET SDK from global.json into $Temp/dotnet")
        New-Item -ItemType Directory -Force -Path $Temp | Out-Null
        $script = Join-Path $Temp 'dotnet-install.ps1'
        Invoke-WebRequest -Uri 'https://dot.net/v1/dotnet-install.ps1' -OutFile $script -UseBasicParsing
        & $script -JsonFile (Join-Path $Root 'global.json') -InstallDir (Join-Path $Temp 'dotnet') -NoPath
    }
    return $local
}

$hash = Get-InputsHash
$bin = Join-Path $Bins $hash
$dll = Join-Path $bin '_build.dll'
if ((Test-Path $dll) -and (Test-Path $DotnetPathFile)) {
    & (Get-Content $DotnetPathFile -Raw).Trim() $dll @args
    exit $LASTEXITCODE
}

New-Item -ItemType Directory -Force -Path $Bins | Out-Null
$dotnet = Resolve-Dotnet
[Console]::Error.WriteLine('Compiling the build project (its sources changed)')
$log = Join-Path $Temp 'build-compile.log'
$partial = "$bin.partial"
Remove-Item -Recurse -Force $partial -ErrorAction SilentlyContinue
& $dotnet build (Join-Path $Root 'build/_build.csproj') -c Release -o $partial -nologo -v q '-clp:NoSummary' *> $log
if ($LASTEXITCODE -ne 0) {
    Get-Content $log | Select-String -Pattern 'error|warning' | ForEach-Object { [Console]::Error.WriteLine($_) }
    [Console]::Error.WriteLine("The build project failed to compile; full log: $log")
    exit 1
}
Move-Item $partial $bin
Set-Content -Path $DotnetPathFile -Value $dotnet
# Keep the three newest compiled builds; older ones belong to sources long gone.
Get-ChildItem $Bins -Directory | Sort-Object LastWriteTime -Descending | Select-Object -Skip 3 | Remove-Item -Recurse -Force
& $dotnet $dll @args
exit $LASTEXITCODE
